import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';

export interface BoardExporter {
  /** host:port, as a Prometheus target names it. */
  address: string;
  setBoards(boards: number): void;
  /** Answers /metrics with this status from now on (null: healthy again). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

/**
 * A board server's metrics endpoint as the real one exposes it: `rtb_spaces_count` through
 * prom-client, next to another gauge. `boards: null` is a server that does not expose the count.
 */
export async function startBoardExporter(boards: number | null): Promise<BoardExporter> {
  const registry = new Registry();
  new Gauge({ name: 'board_server_info', help: 'Always 1', registers: [registry] }).set(1);
  const gauge = new Gauge({ name: 'rtb_spaces_count', help: 'Boards open on this server', registers: boards === null ? [] : [registry] });
  if (boards !== null) gauge.set(boards);
  let failure: number | null = null;

  const server = createServer((request, response) => {
    if (failure !== null) {
      response.writeHead(failure, { 'content-type': 'text/plain' });
      response.end('exporter failing on purpose\n');
      return;
    }
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void registry.metrics().then((text) => {
      response.writeHead(200, { 'content-type': registry.contentType });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

  let closed: Promise<void> | undefined;
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    setBoards: (n) => gauge.set(n),
    failWith: (status) => {
      failure = status;
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
