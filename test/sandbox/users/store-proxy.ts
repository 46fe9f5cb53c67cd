import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A misbehaving store in front of the real one: it can refuse the first loads (503) and hold
 * every save without answering, so edits sent to a server using it stay unacknowledged. Records
 * the editIds it held.
 */
export async function startStoreProxy(realStoreUrl: string, faults: { failLoads?: number; holdSaves?: boolean }) {
  const held: string[] = [];
  let loadsToFail = faults.failLoads ?? 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (request.method === 'GET' && loadsToFail > 0) {
        loadsToFail -= 1;
        return void response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
      }
      if (request.method === 'POST' && faults.holdSaves) return void held.push((JSON.parse(body) as { editId: string }).editId);
      fetch(`${realStoreUrl}${request.url}`, { method: request.method, body: request.method === 'POST' ? body : undefined })
        .then(async (real) => {
          response.writeHead(real.status, { 'content-type': 'application/json' });
          response.end(await real.text());
        })
        // The real store closes at the end of a test while requests are still passing through;
        // the caller then sees its connection drop, as behind a proxy whose upstream died.
        .catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    held,
    loadsLeftToFail: () => loadsToFail,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
