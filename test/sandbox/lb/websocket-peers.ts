import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/**
 * Just enough of RFC 6455 for these tests (short text frames), so the load balancer is tested
 * against a real websocket handshake without depending on a websocket library.
 */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('test frames are short');
  if (!mask) return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
  const key = randomBytes(4);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), key, payload.map((b, i) => b ^ key[i % 4])]);
}

/** Reads whole text frames out of a byte stream, unmasking when the sender masked. */
function frameReader(onText: (text: string) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const masked = (pending[1] & 0x80) !== 0;
      const length = pending[1] & 0x7f;
      const start = 2 + (masked ? 4 : 0);
      if (pending.length < start + length) return;
      const key = pending.subarray(2, 6);
      const payload = pending.subarray(start, start + length).map((b, i) => (masked ? b ^ key[i % 4] : b));
      pending = pending.subarray(start + length);
      onText(Buffer.from(payload).toString());
    }
  };
}

export interface EchoUpstream {
  host: string;
  port: number;
  /** Cuts every connection, as a dying process would. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** A stand-in target: a request gets its name (and the body it sent); a websocket echoes each message prefixed with its name. */
export async function startEchoUpstream(host: string, name: string): Promise<EchoUpstream> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    res.writeHead(200, { 'content-type': 'text/plain', 'x-forwarded-for-seen': String(req.headers['x-forwarded-for'] ?? '') }).end(body ? `${name}:${body}` : name);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}${GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const read = frameReader((text) => socket.write(frame(`${name}:${text}`, false)));
    socket.on('data', read);
    socket.on('error', () => socket.destroy());
    if (head.length > 0) read(head);
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    host,
    port: (server.address() as AddressInfo).port,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

export interface WebSocketClient {
  /** Sends a message and resolves with the next message received. */
  ask(text: string): Promise<string>;
  /** Settles when the connection is closed, by either side. */
  closed: Promise<void>;
  close(): void;
}

/** Opens a websocket; rejects with the status line when the upgrade is refused. */
export function openWebSocket(wsUrl: string, path = '/ws'): Promise<WebSocketClient> {
  const { hostname, port } = new URL(wsUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const waiting: ((text: string) => void)[] = [];
  const read = frameReader((text) => waiting.shift()?.(text));
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onHandshake = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHandshake);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString();
      if (!statusLine.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        return reject(new Error(`upgrade refused: ${statusLine}`));
      }
      socket.on('data', read);
      read(head.subarray(end + 4));
      resolve({
        ask: (text) =>
          new Promise<string>((answer, fail) => {
            waiting.push(answer);
            void closed.then(() => fail(new Error('connection closed before an answer')));
            socket.write(frame(text, true));
          }),
        closed,
        close: () => socket.destroy(),
      });
    };
    socket.on('data', onHandshake);
    void closed.then(() => reject(new Error('connection closed during the handshake')));
    socket.on('error', () => socket.destroy());
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}
