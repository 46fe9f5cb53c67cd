import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { upgradeRequestHead } from './forwarded-headers.js';
import type { ProxiedConnection } from './open-connections.js';
import type { Target } from './target-picker.js';

/**
 * Forwards an HTTP Upgrade (a websocket) at the TCP level: the handshake goes to the target as
 * the client wrote it, the target's answer comes back unchanged, and from then on bytes flow
 * both ways until either side closes, which closes the other.
 */
export function tunnelUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, target: Target, onBadGateway: () => void): ProxiedConnection {
  const upstream = connect({ host: target.host, port: target.port });
  let connected = false;
  const closed = Promise.all([closeOf(client), closeOf(upstream)]).then(() => undefined);

  upstream.once('connect', () => {
    connected = true;
    upstream.setNoDelay(true);
    upstream.write(upgradeRequestHead(req));
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => {
    if (connected) return;
    onBadGateway();
    refuseUpgrade(client, 502);
  });
  upstream.once('close', () => {
    // Whatever the target sent before closing is still on its way to the client.
    if (connected) client.end(() => client.destroy());
  });
  client.on('error', () => upstream.destroy());
  client.once('close', () => upstream.destroy());

  return {
    closed,
    close: () => {
      upstream.destroy();
      client.destroy();
    },
  };
}

/** Answers an upgrade with a plain HTTP error and hangs up. */
export function refuseUpgrade(client: Duplex, status: number): void {
  const body = `${status} ${STATUS_CODES[status] ?? ''}\n`;
  client.on('error', () => client.destroy());
  client.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => client.destroy(),
  );
}

function closeOf(stream: Duplex): Promise<void> {
  return new Promise((resolve) => (stream.destroyed ? resolve() : stream.once('close', () => resolve())));
}
