import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { BoardRooms } from './board-rooms.js';
import { clientMessageSchema, parseFrame, type ClientMessage, type ServerMessage } from './protocol.js';
import { StoreError } from './store-client.js';

export interface SessionContext {
  rooms: BoardRooms<WebSocket>;
  instanceId: string;
  version: string;
  logger: Logger;
  report(error: unknown): void;
}

export function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** Serves one websocket connection: one board per connection, see protocol.ts. */
export function serveSocket(socket: WebSocket, context: SessionContext): void {
  const { rooms } = context;
  let joined: { board: string; clientId: string } | null = null;

  const failed = (error: unknown, editId?: string) => {
    if (!(error instanceof StoreError)) context.report(error);
    context.logger.warn({ err: error, editId }, 'board request failed');
    send(socket, { type: 'error', message: error instanceof Error ? error.message : String(error), editId });
  };

  const join = async (message: Extract<ClientMessage, { type: 'join' }>) => {
    if (joined) return send(socket, { type: 'error', message: `this connection is joined to ${joined.board}; open another one for ${message.board}` });
    joined = { board: message.board, clientId: message.clientId };
    try {
      const { version } = await rooms.join(message.board, socket);
      send(socket, { type: 'joined', board: message.board, version, server: context.instanceId, serverVersion: context.version });
    } catch (error) {
      joined = null;
      failed(error);
    }
  };

  const edit = async (message: Extract<ClientMessage, { type: 'edit' }>) => {
    if (joined?.board !== message.board) return send(socket, { type: 'error', message: `join ${message.board} before editing it`, editId: message.editId });
    const saved = { editId: message.editId, clientId: joined.clientId, op: message.op };
    try {
      const { version, others } = await rooms.edit(message.board, socket, saved);
      send(socket, { type: 'ack', editId: message.editId, version });
      for (const other of others) send(other, { type: 'edit', board: message.board, ...saved, version });
    } catch (error) {
      failed(error, message.editId);
    }
  };

  socket.on('message', (data, isBinary) => {
    const message = isBinary ? null : parseFrame(clientMessageSchema, data.toString());
    if (!message) return send(socket, { type: 'error', message: 'expected a JSON text frame: join or edit (see the protocol)' });
    void (message.type === 'join' ? join(message) : edit(message));
  });
  socket.on('close', () => {
    if (joined) rooms.leave(joined.board, socket);
  });
}
