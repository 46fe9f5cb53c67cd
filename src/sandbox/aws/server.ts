import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QueryResponse } from './dispatch.js';

export interface RunningEndpoint {
  /** Base URL for AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 or a client's `endpoint`. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;

/** Serves `POST /` form bodies over node:http; everything else is a 404 or 405. */
export async function serveQuery(handle: (body: string) => QueryResponse, port = 0, host = '127.0.0.1'): Promise<RunningEndpoint> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the Query protocol is served at POST /\n');
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('use POST\n');
    readBody(req).then(
      (body) => {
        const answer = handle(body);
        res.writeHead(answer.status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': answer.requestId }).end(answer.body);
      },
      (err: Error) => res.writeHead(413, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // SDK clients keep connections alive; without this, close() would wait for them to idle out.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
