import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpDrainHook } from '../../../src/adapters/drain-hook/http-drain-hook.js';
import type { ServiceConfig } from '../../../src/config/catalog.js';
import { serviceWith } from '../../support/catalog.js';
import { dependencyFailure } from '../../support/failure.js';

const TOKEN = 'drain-token-s3cr3t-value';
const instance = { instanceId: 'i-0abc123', privateIp: '127.0.0.1' };

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];

/** A local application: records each request and answers with `answer`. */
async function application(answer: Answer = (_req, res) => res.writeHead(204).end()) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

type Hook = NonNullable<ServiceConfig['drain']>['hook'];

function serviceWithHook(port: number, hook: Partial<Hook> = {}): ServiceConfig {
  const base = serviceWith({});
  const drain = base.drain!;
  return serviceWith({
    drain: {
      ...drain,
      hook: {
        method: 'POST',
        url: `http://{privateIp}:${port}/drain/{instanceId}`,
        authHeader: { name: 'Authorization', env: 'BOARD_DRAIN_TOKEN', prefix: 'Bearer ' },
        timeout: 10_000,
        ...hook,
      },
    },
  });
}

const hookWith = (env: Record<string, string | undefined> = { BOARD_DRAIN_TOKEN: TOKEN }) => createHttpDrainHook({ env });
const failure = (promise: Promise<unknown>) => dependencyFailure(promise, 'drain');

describe('HTTP drain hook', () => {
  it('sends the configured method to the URL filled with the private IP and instance ID, with the auth header and a JSON body', async () => {
    const app = await application();
    const service = serviceWithHook(app.port);

    await hookWith().drain(service, instance);

    expect(app.received).toHaveLength(1);
    const [request] = app.received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/drain/i-0abc123');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ service: service.name, instanceId: 'i-0abc123' });
  });

  it.each(['GET', 'DELETE'] as const)('sends %s without a body and, without an auth header configured, without credentials', async (method) => {
    const app = await application((_req, res) => res.writeHead(200).end('reconnecting 12 clients'));

    await hookWith({}).drain(serviceWithHook(app.port, { method, authHeader: undefined }), instance);

    expect(app.received[0]).toMatchObject({ method, body: '' });
    expect(app.received[0].headers.authorization).toBeUndefined();
  });

  it('refuses to send anything when the auth header\'s variable is not set, naming the variable', async () => {
    const app = await application();

    const error = await failure(hookWith({ BOARD_DRAIN_TOKEN: '' }).drain(serviceWithHook(app.port), instance));

    expect(error.code).toBe('NotConfigured');
    expect(error.message).toContain('BOARD_DRAIN_TOKEN');
    expect(app.received).toEqual([]);
  });

  it('reports a non-2xx answer with the instance, the status and a short excerpt of the body, never the token', async () => {
    const app = await application((req, res) => res.writeHead(500).end(`internal error\n while draining; got header ${req.headers.authorization} ${'x'.repeat(500)}`));

    const error = await failure(hookWith().drain(serviceWithHook(app.port), instance));

    expect(error.code).toBe('BadStatus');
    expect(error.message).toMatch(/^drain hook of i-0abc123 \(POST http:\/\/127\.0\.0\.1:\d+\/drain\/i-0abc123\) answered 500: internal error while draining; got header Bearer \[redacted\] x+…$/);
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).not.toContain(TOKEN);
  });

  it('points at the token variable when the application refuses the credentials', async () => {
    const app = await application((_req, res) => res.writeHead(401).end('bad token'));

    const error = await failure(hookWith().drain(serviceWithHook(app.port), instance));

    expect(error.code).toBe('Unauthorized');
    expect(error.message).toContain('answered 401: bad token; check BOARD_DRAIN_TOKEN');
  });

  it('does not follow a redirect, so the auth header never travels elsewhere', async () => {
    const elsewhere = await application();
    const app = await application((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/drain` }).end());

    const error = await failure(hookWith().drain(serviceWithHook(app.port), instance));

    expect(error.message).toContain(`answered 302 to http://127.0.0.1:${elsewhere.port}/drain; redirects are not followed`);
    expect(elsewhere.received).toEqual([]);
  });

  it('gives up after the configured timeout', async () => {
    const app = await application(() => undefined);

    const error = await failure(hookWith().drain(serviceWithHook(app.port, { timeout: 300 }), instance));

    expect(error.code).toBe('Timeout');
    expect(error.message).toContain('timed out after 300ms');
    expect(app.received).toHaveLength(1);
  });

  it('says the connection was refused when nothing listens there', async () => {
    const app = await application();
    const service = serviceWithHook(app.port);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));

    const error = await failure(hookWith().drain(service, instance));

    expect(error.code).toBe('Unreachable');
    expect(error.message).toContain('could not be reached: connection refused; is the application listening there?');
  });

  it('needs a private IP when the URL template names one', async () => {
    const error = await failure(hookWith().drain(serviceWithHook(9), { instanceId: 'i-0abc123' }));

    expect(error.code).toBe('NoAddress');
    expect(error.message).toContain('i-0abc123');
  });

  it('says so when the service has no drain hook', async () => {
    const error = await failure(hookWith().drain(serviceWith({ drain: undefined }), instance));

    expect(error.code).toBe('NotConfigured');
    expect(error.message).toContain('drain.hook');
  });
});
