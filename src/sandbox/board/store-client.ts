import type { BoardSnapshot } from './store-server.js';

export interface StoreClient {
  /** A board never edited is an empty board (the store answers 404). */
  load(boardId: string): Promise<BoardSnapshot>;
  save(boardId: string, edit: { editId: string; clientId: string; op: unknown }): Promise<{ version: number }>;
}

export class StoreError extends Error {}

/** Talks to the shared board store (see store-server.ts); every failure is a StoreError. */
export function createStoreClient(baseUrl: string, timeoutMs = 5_000): StoreClient {
  const base = baseUrl.replace(/\/$/, '');
  const boardUrl = (boardId: string) => `${base}/boards/${encodeURIComponent(boardId)}`;

  const call = async (what: string, url: string, init: RequestInit = {}): Promise<Response> => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new StoreError(`${what}: store unreachable (${error instanceof Error ? error.message : String(error)})`);
    }
  };

  return {
    async load(boardId) {
      const response = await call(`load ${boardId}`, boardUrl(boardId));
      if (response.status === 404) {
        await response.body?.cancel();
        return { id: boardId, version: 0, edits: [] };
      }
      if (!response.ok) throw new StoreError(`load ${boardId}: store answered ${response.status}`);
      return (await response.json()) as BoardSnapshot;
    },
    async save(boardId, edit) {
      const response = await call(`save ${edit.editId}`, `${boardUrl(boardId)}/edits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(edit),
      });
      if (!response.ok) throw new StoreError(`save ${edit.editId}: store answered ${response.status}`);
      const { version } = (await response.json()) as { version: number };
      return { version };
    },
  };
}
