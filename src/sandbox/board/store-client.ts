import { Agent, request } from 'node:http';
import type { BoardSnapshot } from './store-server.js';

export interface StoreClient {
  /** A board never edited is an empty board (the store answers 404). */
  load(boardId: string): Promise<BoardSnapshot>;
  save(boardId: string, edit: { editId: string; clientId: string; op: unknown }): Promise<{ version: number }>;
  /** Closes the kept-alive connections. */
  close(): void;
}

export class StoreError extends Error {}

/**
 * Talks to the shared board store (see store-server.ts); every failure is a StoreError. Plain
 * node:http over a few kept-alive connections: a server saves on every edit of every board, and
 * fetch's per-request cost and unbounded connections starve a busy process.
 */
export function createStoreClient(baseUrl: string, options: { timeoutMs?: number; connections?: number } = {}): StoreClient {
  const base = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 16 });
  const timeoutMs = options.timeoutMs ?? 5_000;
  const boardPath = (boardId: string) => `${base.pathname.replace(/\/$/, '')}/boards/${encodeURIComponent(boardId)}`;

  const call = (what: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      const fail = (message: string) => reject(new StoreError(`${what}: ${message}`));
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        { host: base.hostname, port: base.port, path, method, agent, timeout: timeoutMs, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => fail(`store unreachable (${error.message})`));
          response.on('end', () => {
            try {
              resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            } catch {
              fail(`store answered ${response.statusCode} without JSON`);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (error) => fail(`store unreachable (${error.message})`));
      req.end(payload);
    });

  return {
    async load(boardId) {
      const { status, json } = await call(`load ${boardId}`, 'GET', boardPath(boardId));
      if (status === 404) return { id: boardId, version: 0, edits: [] };
      if (status !== 200) throw new StoreError(`load ${boardId}: store answered ${status}`);
      return json as BoardSnapshot;
    },
    async save(boardId, edit) {
      const { status, json } = await call(`save ${edit.editId}`, 'POST', `${boardPath(boardId)}/edits`, edit);
      if (status !== 200) throw new StoreError(`save ${edit.editId}: store answered ${status}`);
      return { version: (json as { version: number }).version };
    },
    close: () => agent.destroy(),
  };
}
