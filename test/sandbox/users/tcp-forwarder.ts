import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * The trivial stand-in for the load balancer: each new connection goes to the first `host:port`
 * of `targets` (change the list to move new connections), and lives exactly as long as its
 * upstream connection, so a server that dies cuts its clients off.
 */
export async function startForwarder(targets: string[]) {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    const target = targets[0];
    if (!target) return void client.destroy();
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `host:port` of a server URL, as the forwarder's targets name it. */
export const hostPort = (url: string) => new URL(url).host;
