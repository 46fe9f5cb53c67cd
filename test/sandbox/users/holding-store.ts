import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A store in front of the real one that loads boards but never answers a save: edits sent to a
 * server using it stay unacknowledged. Records the editIds it held.
 */
export async function startHoldingStore(realStoreUrl: string) {
  const held: string[] = [];
  const server = createServer((request, response) => {
    if (request.method === 'GET') {
      void fetch(`${realStoreUrl}${request.url}`).then(async (real) => {
        response.writeHead(real.status, { 'content-type': 'application/json' });
        response.end(await real.text());
      });
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      held.push((JSON.parse(Buffer.concat(chunks).toString()) as { editId: string }).editId);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
