import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Clock } from '../../deploy/ports.js';

/**
 * The shared board store every board server saves to, on every edit, and where simulated users
 * check afterwards that each acknowledged edit was kept. In memory; one per sandbox.
 *
 * - `GET /boards/:id` → 200 `{ id, version, edits: [{ editId, clientId, op, at }] }`, or 404 with
 *   the same shape for a board never edited (an empty board).
 * - `POST /boards/:id/edits` `{ editId, clientId, op }` → 200 `{ id, version, duplicate }`. Saving an
 *   editId twice keeps it once (`duplicate: true`), so clients may resend after reconnecting.
 */

export interface SavedEdit {
  editId: string;
  clientId: string;
  op: unknown;
  /** Epoch ms when the store first saved it. */
  at: number;
}

export interface BoardSnapshot {
  id: string;
  version: number;
  edits: SavedEdit[];
}

export interface BoardStore {
  url: string;
  edits(boardId: string): SavedEdit[];
  /** The next `count` edits are answered as saved but not kept: a store that loses data, so lost-edit checks can be seen failing. */
  dropNextEdits(count?: number): void;
  close(): Promise<void>;
}

const editBody = z.object({ editId: z.string().min(1), clientId: z.string().min(1), op: z.unknown().refine((value) => value !== undefined, 'op is required') });
const MAX_BODY_BYTES = 1024 * 1024;

export async function startBoardStore(options: { host?: string; port?: number; clock?: Clock } = {}): Promise<BoardStore> {
  const clock = options.clock ?? { now: Date.now };
  const boards = new Map<string, { edits: SavedEdit[]; ids: Set<string> }>();
  let toDrop = 0;

  const snapshot = (id: string): BoardSnapshot => {
    const edits = boards.get(id)?.edits ?? [];
    return { id, version: edits.length, edits };
  };

  const save = (id: string, edit: Omit<SavedEdit, 'at'>) => {
    const board = boards.get(id) ?? { edits: [], ids: new Set<string>() };
    boards.set(id, board);
    if (board.ids.has(edit.editId)) return { id, version: board.edits.length, duplicate: true };
    if (toDrop > 0) {
      toDrop -= 1;
      return { id, version: board.edits.length + 1, duplicate: false };
    }
    board.ids.add(edit.editId);
    board.edits.push({ ...edit, at: clock.now() });
    return { id, version: board.edits.length, duplicate: false };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://store.invalid');
    const match = /^\/boards\/([^/]+)(\/edits)?$/.exec(url.pathname);
    if (!match) return sendJson(response, 404, { error: 'not found' });
    const id = decodeURIComponent(match[1]);
    if (!match[2] && request.method === 'GET') return sendJson(response, boards.has(id) ? 200 : 404, snapshot(id));
    if (match[2] && request.method === 'POST') {
      const body = editBody.safeParse(await readJson(request));
      if (!body.success) return sendJson(response, 400, { error: 'expected { editId, clientId, op }' });
      return sendJson(response, 200, save(id, body.data));
    }
    sendJson(response, 405, { error: 'method not allowed' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}`,
    edits: (boardId) => [...(boards.get(boardId)?.edits ?? [])],
    dropNextEdits: (count = 1) => {
      toDrop += count;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
