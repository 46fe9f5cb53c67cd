import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../../src/sandbox/board/protocol.js';

type Frame<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** A raw protocol client for tests: frames are queued and taken by type, in arrival order. */
export async function openTestClient(url: string) {
  const socket = new WebSocket(url);
  const queue: ServerMessage[] = [];
  const waiting: { type: string; resolve: (frame: ServerMessage) => void }[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerMessage;
    const waiter = waiting.find((w) => w.type === frame.type);
    if (waiter) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(frame);
    } else {
      queue.push(frame);
    }
  });
  const closed = once(socket, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  // A server that exits may reset the connection after its close frame; tests observe the end
  // through `closed` (an error is always followed by close), and ws would throw an unheard error.
  socket.on('error', () => undefined);
  await once(socket, 'open');

  return {
    socket,
    closed,
    send(message: ClientMessage | Record<string, unknown>) {
      socket.send(JSON.stringify(message));
    },
    take<T extends ServerMessage['type']>(type: T): Promise<Frame<T>> {
      const index = queue.findIndex((frame) => frame.type === type);
      if (index >= 0) return Promise.resolve(queue.splice(index, 1)[0] as Frame<T>);
      return new Promise((resolve) => waiting.push({ type, resolve: (frame) => resolve(frame as Frame<T>) }));
    },
    /** Frames received and not taken. */
    unread: () => [...queue],
    close() {
      socket.close();
      return closed;
    },
  };
}

export type TestClient = Awaited<ReturnType<typeof openTestClient>>;
