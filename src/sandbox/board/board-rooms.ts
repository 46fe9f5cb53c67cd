import type { StoreClient } from './store-client.js';

interface Room<C> {
  version: number;
  clients: Set<C>;
  ready: Promise<void>;
}

/**
 * The boards open on this server: a board is loaded from the store when its first client joins
 * and dropped from memory when its last client leaves, so the number of rooms is the server's
 * board count (`rtb_spaces_count`). Edits go to the store before memory; the store's copy is the
 * board's content, memory keeps what the server needs to serve it (version, clients).
 */
export function createBoardRooms<C>(store: StoreClient) {
  const rooms = new Map<string, Room<C>>();

  const open = (boardId: string): Room<C> => {
    const existing = rooms.get(boardId);
    if (existing) return existing;
    const room: Room<C> = { version: 0, clients: new Set(), ready: Promise.resolve() };
    room.ready = store.load(boardId).then(
      (snapshot) => {
        room.version = snapshot.version;
      },
      (error: unknown) => {
        // The next join loads again instead of inheriting the failure.
        if (rooms.get(boardId) === room) rooms.delete(boardId);
        throw error;
      },
    );
    rooms.set(boardId, room);
    return room;
  };

  const leave = (boardId: string, client: C): void => {
    const room = rooms.get(boardId);
    if (!room) return;
    room.clients.delete(client);
    if (room.clients.size === 0) rooms.delete(boardId);
  };

  return {
    /** Resolves with the board's version once it is in memory; the client is counted from the start. */
    async join(boardId: string, client: C): Promise<{ version: number }> {
      const room = open(boardId);
      room.clients.add(client);
      try {
        await room.ready;
      } catch (error) {
        leave(boardId, client);
        throw error;
      }
      return { version: room.version };
    },

    leave,

    /** Saves first; only a saved edit reaches memory and the board's other clients. */
    async edit(boardId: string, client: C, edit: { editId: string; clientId: string; op: unknown }): Promise<{ version: number; others: C[] }> {
      const { version } = await store.save(boardId, edit);
      const room = rooms.get(boardId);
      if (!room) return { version, others: [] };
      room.version = Math.max(room.version, version);
      return { version, others: [...room.clients].filter((other) => other !== client) };
    },

    boards: (): number => rooms.size,
    sessions: (): number => [...rooms.values()].reduce((sum, room) => sum + room.clients.size, 0),
  };
}

export type BoardRooms<C> = ReturnType<typeof createBoardRooms<C>>;
