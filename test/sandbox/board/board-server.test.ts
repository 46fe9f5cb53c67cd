import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBoardServer, type BoardServer, type BoardServerOptions } from '../../../src/sandbox/board/server.js';
import { startBoardStore, type BoardStore } from '../../../src/sandbox/board/store-server.js';
import { startFakeSentry, type FakeSentry } from '../../../src/sandbox/sentry/fake-sentry.js';
import { openTestClient, type TestClient } from './ws-test-client.js';

const TOKEN = 'drain-secret';

let store: BoardStore;
let server: BoardServer;
const clients: TestClient[] = [];
const closers: (() => Promise<unknown>)[] = [];

async function boardServer(overrides: Partial<BoardServerOptions> = {}): Promise<BoardServer> {
  const started = await startBoardServer({ version: '1.1.0', instanceId: 'i-aaa', storeUrl: store.url, drainToken: TOKEN, drainGraceMs: 200, ...overrides });
  closers.push(() => started.close());
  return started;
}

async function client(target = server): Promise<TestClient> {
  const opened = await openTestClient(target.wsUrl);
  clients.push(opened);
  return opened;
}

async function joined(board: string, clientId: string, target = server): Promise<TestClient> {
  const c = await client(target);
  c.send({ type: 'join', board, clientId });
  await c.take('joined');
  return c;
}

async function metric(name: string, target = server): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

const drain = (token?: string, target = server) => fetch(`${target.url}/drain`, { method: 'POST', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

beforeEach(async () => {
  store = await startBoardStore();
  server = await boardServer();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.terminate();
  for (const close of closers.splice(0).reverse()) await close();
  await store.close();
});

describe('boards over websockets', () => {
  it('joins a board loaded from the store and names the server and its version', async () => {
    await fetch(`${store.url}/boards/board-1/edits`, { method: 'POST', body: JSON.stringify({ editId: 'old', clientId: 'u0', op: 1 }) });

    const c = await client();
    c.send({ type: 'join', board: 'board-1', clientId: 'u1' });
    expect(await c.take('joined')).toEqual({ type: 'joined', board: 'board-1', version: 1, server: 'i-aaa', serverVersion: '1.1.0' });
  });

  it('acknowledges an edit only once the store has saved it', async () => {
    const c = await joined('board-1', 'u1');
    let savedWhenAcked: string[] = [];
    c.socket.once('message', () => {
      savedWhenAcked = store.edits('board-1').map((e) => e.editId);
    });
    c.send({ type: 'edit', board: 'board-1', editId: 'u1:1', op: { kind: 'move' } });

    expect(await c.take('ack')).toEqual({ type: 'ack', editId: 'u1:1', version: 1 });
    expect(savedWhenAcked).toEqual(['u1:1']);
    expect(store.edits('board-1')).toMatchObject([{ editId: 'u1:1', clientId: 'u1', op: { kind: 'move' } }]);
  });

  it('broadcasts a saved edit to the board’s other clients, not to other boards', async () => {
    const author = await joined('board-1', 'u1');
    const peer = await joined('board-1', 'u2');
    const elsewhere = await joined('board-2', 'u3');

    author.send({ type: 'edit', board: 'board-1', editId: 'u1:1', op: 'draw' });
    await author.take('ack');

    expect(await peer.take('edit')).toEqual({ type: 'edit', board: 'board-1', editId: 'u1:1', clientId: 'u1', op: 'draw', version: 1 });
    expect(author.unread()).toEqual([]);
    expect(elsewhere.unread()).toEqual([]);
  });

  it('refuses an edit of a board the connection has not joined, without saving it', async () => {
    const c = await joined('board-1', 'u1');
    c.send({ type: 'edit', board: 'board-2', editId: 'u1:1', op: 1 });
    expect(await c.take('error')).toMatchObject({ editId: 'u1:1' });
    expect(store.edits('board-2')).toEqual([]);
  });

  it('answers a malformed frame with an error and keeps the connection', async () => {
    const c = await client();
    c.socket.send('not json');
    expect((await c.take('error')).message).toMatch(/JSON/);
    c.send({ type: 'join', board: 'board-1', clientId: 'u1' });
    await c.take('joined');
  });

  it('does not acknowledge an edit the store could not save', async () => {
    const c = await joined('board-1', 'u1');
    await store.close();
    c.send({ type: 'edit', board: 'board-1', editId: 'u1:1', op: 1 });
    expect(await c.take('error')).toMatchObject({ editId: 'u1:1', message: expect.stringMatching(/store unreachable/) });
    store = await startBoardStore();
  });
});

describe('metrics and health', () => {
  it('counts boards open in memory and sessions, and closes a board when its last client leaves', async () => {
    const a = await joined('board-1', 'u1');
    const b = await joined('board-1', 'u2');
    await joined('board-2', 'u3');
    expect(await metric('rtb_spaces_count')).toBe(2);
    expect(await metric('rtb_sessions_count')).toBe(3);

    await a.close();
    await vi.waitFor(async () => expect(await metric('rtb_sessions_count')).toBe(2));
    expect(await metric('rtb_spaces_count')).toBe(2);

    await b.close();
    await vi.waitFor(async () => expect(await metric('rtb_spaces_count')).toBe(1));
  });

  it('is healthy while serving', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
  });
});

describe('drain', () => {
  it('refuses a drain without the token or with a wrong one, and tells nobody', async () => {
    const c = await joined('board-1', 'u1');
    expect((await drain()).status).toBe(401);
    expect((await drain('wrong')).status).toBe(401);
    expect(c.unread()).toEqual([]);
  });

  it('answers 202 at once, tells every client to reconnect and closes their sockets after the grace', async () => {
    const a = await joined('board-1', 'u1');
    const b = await joined('board-2', 'u2');

    expect((await drain(TOKEN)).status).toBe(202);

    expect(await a.take('reconnect')).toEqual({ type: 'reconnect' });
    expect(await b.take('reconnect')).toEqual({ type: 'reconnect' });
    expect(await a.closed).toEqual({ code: 1012, reason: 'drained' });
    await b.closed;
    await vi.waitFor(async () => expect(await metric('rtb_spaces_count')).toBe(0));
  });

  it('tells a client once even when drained twice, and tells clients that arrived in between', async () => {
    const early = await joined('board-1', 'u1');
    await drain(TOKEN);
    await early.take('reconnect');
    const late = await joined('board-1', 'u2');

    expect((await drain(TOKEN)).status).toBe(202);

    await late.take('reconnect');
    await early.closed;
    expect(early.unread()).toEqual([]);
  });

  it('keeps accepting joins after a drain, in case the load balancer still sends some', async () => {
    await drain(TOKEN);
    const c = await joined('board-1', 'u1');
    c.send({ type: 'edit', board: 'board-1', editId: 'u1:1', op: 1 });
    await c.take('ack');
  });
});

describe('drain probe', () => {
  const probe = (token?: string) => fetch(`${server.url}/drain`, { method: 'OPTIONS', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('answers 204 with the methods of /drain, and tells no client to reconnect', async () => {
    const c = await joined('board-1', 'u1');

    const response = await probe(TOKEN);
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('OPTIONS, POST');
    expect(await response.text()).toBe('');

    // An edit answered after the probe proves nothing was queued before it on this socket.
    c.send({ type: 'edit', board: 'board-1', editId: 'u1:1', op: 1 });
    await c.take('ack');
    expect(c.unread()).toEqual([]);
    expect(await metric('rtb_sessions_count')).toBe(1);
  });

  it('leaves the clients to the next drain, which still tells them', async () => {
    const c = await joined('board-1', 'u1');
    await probe(TOKEN);
    expect((await drain(TOKEN)).status).toBe(202);
    expect(await c.take('reconnect')).toEqual({ type: 'reconnect' });
  });

  it('refuses a probe without the token or with a wrong one, as a drain is refused', async () => {
    const c = await joined('board-1', 'u1');
    expect((await probe()).status).toBe(401);
    expect((await probe('wrong')).status).toBe(401);
    c.send({ type: 'edit', board: 'board-1', editId: 'u1:1', op: 1 });
    await c.take('ack');
    expect(c.unread()).toEqual([]);
  });

  it('answers other methods on /drain with 405 and what it allows', async () => {
    const response = await fetch(`${server.url}/drain`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('OPTIONS, POST');
  });
});

describe('errors reported to Sentry', () => {
  let sentry: FakeSentry;
  beforeEach(async () => {
    sentry = await startFakeSentry({ token: 'api-token', projects: [{ id: '1', slug: 'board-server' }] });
    closers.unshift(() => sentry.close());
  });

  it('reports the faulty preview job of a FAULT=errors server with its release, repeatedly', async () => {
    await boardServer({ version: '1.2.0', instanceId: 'i-bbb', sentryDsn: sentry.dsn('1'), fault: 'errors', faultTiming: { firstAfterMs: 10, everyMs: 50 } });

    await vi.waitFor(() => expect(Number(sentry.issues()[0]?.count ?? 0)).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 50 });
    const url = `${sentry.url}/api/0/organizations/acme/issues/?${new URLSearchParams({ project: '1', environment: 'production', query: 'firstRelease:"1.2.0"' })}`;
    const issues = (await (await fetch(url, { headers: { authorization: 'Bearer api-token' } })).json()) as { title: string }[];
    expect(issues.map((i) => i.title)).toEqual(["TypeError: Cannot read properties of undefined (reading 'shapes')"]);
  });
});
