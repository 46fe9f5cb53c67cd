import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBoardStore, type BoardStore } from '../../../src/sandbox/board/store-server.js';
import { runToExit, spawnBoardProcess, type BoardProcess } from './board-process.js';
import { openTestClient } from './ws-test-client.js';

let store: BoardStore;
let board: BoardProcess | undefined;

beforeEach(async () => {
  store = await startBoardStore();
});
afterEach(async () => {
  if (board && board.child.exitCode === null && board.child.signalCode === null) {
    board.child.kill('SIGKILL');
    await board.exited;
  }
  board = undefined;
  await store.close();
});

it('runs as a process configured from its environment and stops on SIGTERM with exit 0', async () => {
  board = await spawnBoardProcess({ VERSION: '1.1.0', INSTANCE_ID: 'i-0123', STORE_URL: store.url, DRAIN_TOKEN: 'secret' });
  expect((await fetch(`${board.url}/healthz`)).status).toBe(200);
  const client = await openTestClient(board.wsUrl);
  client.send({ type: 'join', board: 'board-1', clientId: 'u1' });
  expect(await client.take('joined')).toMatchObject({ server: 'i-0123', serverVersion: '1.1.0' });

  board.child.kill('SIGTERM');

  expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  expect(await board.exited).toBe(0);
});

it('refuses to start without a drain token, naming what is missing', async () => {
  const { code, stderr } = await runToExit({ VERSION: '1.1.0', INSTANCE_ID: 'i-0123', STORE_URL: store.url, PORT: '0' });
  expect(code).toBe(2);
  expect(stderr).toMatch(/DRAIN_TOKEN/);
});
