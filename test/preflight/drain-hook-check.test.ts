import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { checkDrainHook } from '../../src/preflight/drain-hook-check.js';
import { startBoardServer, type BoardServer } from '../../src/sandbox/board/server.js';
import { startBoardStore, type BoardStore } from '../../src/sandbox/board/store-server.js';
import { serviceWith } from '../support/catalog.js';

const TOKEN = 'drain-token-s3cr3t-value';
const ENV = { BOARD_DRAIN_TOKEN: TOKEN };
const fleet = [{ instanceId: 'i-0abc123', privateIp: '127.0.0.1' }];

type Hook = NonNullable<ServiceConfig['drain']>['hook'];

function serviceWithHook(port: number, hook: Partial<Hook> = {}): ServiceConfig {
  const base = serviceWith({});
  return serviceWith({
    drain: {
      ...base.drain!,
      hook: { method: 'POST', url: `http://{privateIp}:${port}/drain`, authHeader: { name: 'Authorization', env: 'BOARD_DRAIN_TOKEN', prefix: 'Bearer ' }, timeout: 2_000, ...hook },
    },
  });
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The sandbox's board server: its /drain answers the probe as the README's contract says. */
async function boardServer(): Promise<BoardServer> {
  const store: BoardStore = await startBoardStore();
  closers.push(() => store.close());
  const server = await startBoardServer({ version: '1.1.0', instanceId: 'i-0abc123', storeUrl: store.url, drainToken: TOKEN });
  closers.push(() => server.close());
  return server;
}

/** An application that answers every request with `answer` and records what it got. */
async function application(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: { method: string; authorization?: string }[] = [];
  const server: Server = createServer((req, res) => {
    received.push({ method: req.method ?? '', authorization: req.headers.authorization });
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return { port: (server.address() as AddressInfo).port, received };
}

const portOf = (url: string) => Number(new URL(url).port);

describe('drain hook check', () => {
  it('passes against the board server: the probe with the token answers 204, without it 401', async () => {
    const server = await boardServer();

    const lines = await checkDrainHook(serviceWithHook(portOf(server.url)), fleet, { env: ENV });

    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('ok');
    expect(lines[0].detail).toContain(`OPTIONS http://127.0.0.1:${portOf(server.url)}/drain (i-0abc123) answered 204 with the Authorization header`);
    expect(lines[0].detail).toContain('401 without it');
    expect(lines[0].detail).toContain('Allow: OPTIONS, POST');
  });

  it('only ever sends OPTIONS: nobody is drained', async () => {
    const app = await application((_req, res) => res.writeHead(204, { allow: 'OPTIONS, POST' }).end());

    await checkDrainHook(serviceWithHook(app.port), fleet, { env: ENV });

    expect(app.received.map((r) => r.method)).toEqual(['OPTIONS', 'OPTIONS']);
    expect(app.received.map((r) => r.authorization)).toEqual([`Bearer ${TOKEN}`, undefined]);
  });

  it('fails a refused token (401), naming the variable to check', async () => {
    const server = await boardServer();

    const [line] = await checkDrainHook(serviceWithHook(portOf(server.url)), fleet, { env: { BOARD_DRAIN_TOKEN: 'an-old-token' } });

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('answered 401');
    expect(line.fix).toContain('check BOARD_DRAIN_TOKEN (drain.hook.authHeader.env)');
  });

  it('fails without calling when the token variable is not set', async () => {
    const app = await application((_req, res) => res.writeHead(204).end());

    const [line] = await checkDrainHook(serviceWithHook(app.port), fleet, { env: {} });

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('BOARD_DRAIN_TOKEN is not set');
    expect(line.fix).toContain('set BOARD_DRAIN_TOKEN');
    expect(app.received).toEqual([]);
  });

  it('fails when nothing listens at the hook address', async () => {
    const app = await application((_req, res) => res.end());
    const port = app.port;
    await closers.pop()!();

    const [line] = await checkDrainHook(serviceWithHook(port), fleet, { env: ENV });

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('connection refused');
    expect(line.fix).toContain(`is the application listening at 127.0.0.1:${port}`);
    expect(line.fix).toContain('drain.hook.url');
  });

  it('fails when the application does not answer within drain.hook.timeout', async () => {
    const app = await application(() => undefined);

    const [line] = await checkDrainHook(serviceWithHook(app.port, { timeout: 200 }), fleet, { env: ENV });

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('did not answer within 200ms');
    expect(line.fix).toContain('drain.hook.timeout');
  });

  it('warns when the application does not implement the probe (405)', async () => {
    const app = await application((req, res) => res.writeHead(req.method === 'POST' ? 202 : 405, { allow: 'POST' }).end('method not allowed'));

    const [line] = await checkDrainHook(serviceWithHook(app.port), fleet, { env: ENV });

    expect(line.status).toBe('warning');
    expect(line.detail).toContain('answered 405');
    expect(line.detail).toContain('does not implement the probe');
    expect(line.fix).toContain('answer OPTIONS');
    expect(app.received.map((r) => r.method)).toEqual(['OPTIONS']);
  });

  it('warns when the hook accepts requests without the token', async () => {
    const app = await application((_req, res) => res.writeHead(204, { allow: 'OPTIONS, POST' }).end());

    const lines = await checkDrainHook(serviceWithHook(app.port), fleet, { env: ENV });

    expect(lines.map((l) => l.status)).toEqual(['ok', 'warning']);
    expect(lines[1].detail).toContain('the hook accepts requests without the token');
    expect(lines[1].fix).toContain('401 or 403');
  });

  it('warns when the application does not allow the method drain.hook.method sends', async () => {
    const app = await application((req, res) => res.writeHead(req.headers.authorization ? 204 : 401, { allow: 'OPTIONS, PUT' }).end());

    const lines = await checkDrainHook(serviceWithHook(app.port), fleet, { env: ENV });

    expect(lines.map((l) => l.status)).toEqual(['ok', 'warning']);
    expect(lines[1].fix).toContain('drain.hook.method');
  });

  it('never puts the token in a line, even when the application echoes it', async () => {
    const app = await application((req, res) => res.writeHead(403).end(`refused ${req.headers.authorization}`));

    const lines = await checkDrainHook(serviceWithHook(app.port), fleet, { env: ENV });

    expect(lines[0].status).toBe('failed');
    expect(lines[0].detail).toContain('[redacted]');
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('fails a service without drain settings, which a release needs', async () => {
    const [line] = await checkDrainHook(serviceWith({ drain: undefined }), fleet, { env: ENV });

    expect(line.status).toBe('failed');
    expect(line.fix).toContain('drain.hook.url');
  });

  it('warns that there is nothing to probe without a fleet instance', async () => {
    const [line] = await checkDrainHook(serviceWithHook(1), [], { env: ENV });

    expect(line.status).toBe('warning');
    expect(line.detail).toContain('no fleet instance');
  });
});
