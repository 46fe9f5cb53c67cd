import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { startBoardServer, type BoardServer } from '../../../src/sandbox/board/server.js';
import { startBoardStore, type BoardStore } from '../../../src/sandbox/board/store-server.js';
import { startUsers, type UserEvents, type Users, type UsersOptions } from '../../../src/sandbox/users/start-users.js';
import { spawnBoardProcess, type BoardProcess } from '../board/board-process.js';
import { startStoreProxy } from './store-proxy.js';
import { hostPort, startForwarder } from './tcp-forwarder.js';

const TOKEN = 'drain-secret';
const SESSIONS = 20;
const WAIT = { timeout: 15_000, interval: 20 };

let store: BoardStore;
let forwarder: Awaited<ReturnType<typeof startForwarder>>;
let users: Users | undefined;
const cleanup: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  store = await startBoardStore();
  forwarder = await startForwarder([]);
});
afterEach(async () => {
  await users?.stop();
  users = undefined;
  for (const close of cleanup.splice(0).reverse()) await close();
  await forwarder.close();
  await store.close();
});

async function boardServer(instanceId: string, storeUrl = store.url): Promise<BoardServer> {
  const server = await startBoardServer({ version: '1.1.0', instanceId, storeUrl, drainToken: TOKEN, drainGraceMs: 500 });
  cleanup.push(() => server.close());
  return server;
}

function simulate(options: Partial<UsersOptions> = {}): Users {
  users = startUsers({ url: forwarder.url, storeUrl: store.url, sessions: SESSIONS, boards: 5, editIntervalMs: 20, backoffMs: 50, ...options });
  return users;
}

const allOn = async (running: Users, server: string) =>
  vi.waitFor(() => expect(running.stats().sessionsByServer).toEqual({ [server]: SESSIONS }), WAIT);

const drain = (server: BoardServer) => fetch(`${server.url}/drain`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });

it('moves every session to the next server when its server drains, losing no session and no edit', async () => {
  const a = await boardServer('i-a');
  const b = await boardServer('i-b');
  forwarder.targets.push(hostPort(a.url));
  const running = simulate();
  const left: UserEvents['left'][0][] = [];
  running.events.on('left', (event) => left.push(event));
  await allOn(running, 'i-a');
  expect(running.stats().boardsByServer).toEqual({ 'i-a': 5 });
  await vi.waitFor(() => expect(running.stats().editsAcked).toBeGreaterThan(SESSIONS * 2), WAIT);

  forwarder.targets.splice(0, 1, hostPort(b.url));
  expect((await drain(a)).status).toBe(202);
  await allOn(running, 'i-b');
  const ackedAfterMove = running.stats().editsAcked;
  await vi.waitFor(() => expect(running.stats().editsAcked).toBeGreaterThan(ackedAfterMove + SESSIONS), WAIT);
  await running.stop();

  const verified = await running.verify();
  const stats = running.stats();
  expect(verified).toMatchObject({ lostEdits: 0, missing: [] });
  expect(verified.checked).toBe(stats.editsAcked);
  expect(stats).toMatchObject({ lostSessions: 0, lostEdits: 0, reconnects: SESSIONS, serverVersions: { 'i-a': '1.1.0', 'i-b': '1.1.0' } });
  expect(stats.reconnectGapMs.count).toBe(SESSIONS);
  expect(running.reconnectGapsMs()).toHaveLength(SESSIONS);
  expect(left.map((e) => e.reason)).toEqual(Array(SESSIONS).fill('reconnect'));
  await vi.waitFor(() => expect(a.boards()).toBe(0), WAIT);
});

it('reconnects the sessions of a server that dies abruptly and counts their gaps', async () => {
  const a: BoardProcess = await spawnBoardProcess({ VERSION: '1.1.0', INSTANCE_ID: 'i-a', STORE_URL: store.url, DRAIN_TOKEN: TOKEN });
  cleanup.push(async () => {
    if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  });
  const b = await boardServer('i-b');
  forwarder.targets.push(hostPort(a.url));
  const running = simulate();
  const left: UserEvents['left'][0][] = [];
  running.events.on('left', (event) => left.push(event));
  await allOn(running, 'i-a');
  await vi.waitFor(() => expect(running.stats().editsAcked).toBeGreaterThan(SESSIONS), WAIT);

  forwarder.targets.splice(0, 1, hostPort(b.url));
  a.child.kill('SIGKILL');
  expect(await a.exited).toBe('SIGKILL');
  await allOn(running, 'i-b');
  await running.stop();

  const stats = running.stats();
  expect(stats).toMatchObject({ lostSessions: 0, reconnects: SESSIONS });
  expect(stats.reconnectGapMs.count).toBe(SESSIONS);
  expect(stats.reconnectGapMs.max).toBeGreaterThanOrEqual(stats.reconnectGapMs.p50);
  expect(left.map((e) => e.reason)).toEqual(Array(SESSIONS).fill('closed'));
  expect((await running.verify()).lostEdits).toBe(0);
});

it('counts a session that is not back in its board within the timeout as lost, once', async () => {
  const a = await boardServer('i-a');
  const b = await boardServer('i-b');
  forwarder.targets.push(hostPort(a.url));
  const running = simulate({ reconnectTimeoutMs: 300 });
  const lost: UserEvents['session-lost'][0][] = [];
  running.events.on('session-lost', (event) => lost.push(event));
  await allOn(running, 'i-a');

  // Nowhere to go: the "load balancer" has no target until every session was counted as lost.
  forwarder.targets.splice(0, 1);
  await drain(a);
  await vi.waitFor(() => expect(running.stats().lostSessions).toBe(SESSIONS), WAIT);
  expect(running.stats()).toMatchObject({ joined: 0, outOfBoard: SESSIONS });

  forwarder.targets.push(hostPort(b.url));
  await allOn(running, 'i-b');
  await running.stop();

  expect(running.stats()).toMatchObject({ lostSessions: SESSIONS, reconnects: SESSIONS, outOfBoard: 0 });
  expect(new Set(lost.map((e) => e.session)).size).toBe(SESSIONS);
  expect(Math.min(...running.reconnectGapsMs())).toBeGreaterThan(300);
});

it('sends unacknowledged edits again after rejoining, so they are saved', async () => {
  const holding = await startStoreProxy(store.url, { holdSaves: true });
  cleanup.push(() => holding.close());
  const a = await boardServer('i-a', holding.url);
  const b = await boardServer('i-b');
  forwarder.targets.push(hostPort(a.url));
  const running = simulate();
  await allOn(running, 'i-a');
  await vi.waitFor(() => expect(running.stats().editsSent).toBeGreaterThanOrEqual(SESSIONS * 2), WAIT);
  expect(holding.held.length).toBeGreaterThan(0);
  expect(running.stats().editsAcked).toBe(0);

  forwarder.targets.splice(0, 1, hostPort(b.url));
  await drain(a);
  await allOn(running, 'i-b');

  const heldEdits = [...holding.held];
  const saved = () => new Set([1, 2, 3, 4, 5].flatMap((n) => store.edits(`board-${n}`).map((e) => e.editId)));
  await vi.waitFor(() => expect(heldEdits.filter((id) => !saved().has(id))).toEqual([]), WAIT);
  await running.stop();
  expect((await running.verify()).lostEdits).toBe(0);
});

it('joins again when the server could not load the board', async () => {
  const flaky = await startStoreProxy(store.url, { failLoads: 3 });
  cleanup.push(() => flaky.close());
  const a = await boardServer('i-a', flaky.url);
  forwarder.targets.push(hostPort(a.url));
  const running = simulate();

  await allOn(running, 'i-a');
  expect(flaky.loadsLeftToFail()).toBe(0);
  expect(running.stats().reconnects).toBe(0);
});

it('reports acknowledged edits the store lost', async () => {
  const a = await boardServer('i-a');
  forwarder.targets.push(hostPort(a.url));
  const running = simulate();
  await allOn(running, 'i-a');
  await vi.waitFor(() => expect(running.stats().editsAcked).toBeGreaterThan(SESSIONS), WAIT);

  store.dropNextEdits(1);
  const ackedBefore = running.stats().editsAcked;
  await vi.waitFor(() => expect(running.stats().editsAcked).toBeGreaterThan(ackedBefore + SESSIONS), WAIT);
  await running.stop();

  const verified = await running.verify();
  expect(verified.lostEdits).toBe(1);
  expect(verified.missing).toHaveLength(1);
  expect(running.stats().lostEdits).toBe(1);
});
