import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBoardStore, type BoardStore } from '../../../src/sandbox/board/store-server.js';
import { createStoreClient } from '../../../src/sandbox/board/store-client.js';
import { manualClock } from '../../support/manual-clock.js';

let store: BoardStore;
const clock = manualClock();

beforeEach(async () => {
  store = await startBoardStore({ clock });
});
afterEach(async () => {
  await store.close();
});

const post = (board: string, body: unknown) =>
  fetch(`${store.url}/boards/${encodeURIComponent(board)}/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('answers 404 with an empty board for a board never edited', async () => {
  const response = await fetch(`${store.url}/boards/board-1`);
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({ id: 'board-1', version: 0, edits: [] });
});

it('appends edits in order, stamps them and counts versions', async () => {
  expect(await (await post('board-1', { editId: 'e1', clientId: 'u1', op: { x: 1 } })).json()).toEqual({ id: 'board-1', version: 1, duplicate: false });
  clock.advance(1000);
  expect(await (await post('board-1', { editId: 'e2', clientId: 'u2', op: [1, 2] })).json()).toEqual({ id: 'board-1', version: 2, duplicate: false });

  const response = await fetch(`${store.url}/boards/board-1`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    id: 'board-1',
    version: 2,
    edits: [
      { editId: 'e1', clientId: 'u1', op: { x: 1 }, at: clock.now() - 1000 },
      { editId: 'e2', clientId: 'u2', op: [1, 2], at: clock.now() },
    ],
  });
});

it('keeps an edit sent twice once, so clients can resend after reconnecting', async () => {
  await post('board-1', { editId: 'e1', clientId: 'u1', op: 1 });
  expect(await (await post('board-1', { editId: 'e1', clientId: 'u1', op: 1 })).json()).toEqual({ id: 'board-1', version: 1, duplicate: true });
  expect(store.edits('board-1').map((e) => e.editId)).toEqual(['e1']);
});

it('refuses an edit without an editId', async () => {
  const response = await post('board-1', { clientId: 'u1', op: 1 });
  expect(response.status).toBe(400);
  expect(store.edits('board-1')).toEqual([]);
});

it('can be told to lose edits it answers as saved', async () => {
  store.dropNextEdits(1);
  expect((await (await post('board-1', { editId: 'e1', clientId: 'u1', op: 1 })).json()) as object).toMatchObject({ version: 1 });
  await post('board-1', { editId: 'e2', clientId: 'u1', op: 2 });
  expect(store.edits('board-1').map((e) => e.editId)).toEqual(['e2']);
});

it('is read and written by the store client, which encodes board ids', async () => {
  const client = createStoreClient(store.url);
  expect(await client.load('team/board 1')).toEqual({ id: 'team/board 1', version: 0, edits: [] });
  expect(await client.save('team/board 1', { editId: 'e1', clientId: 'u1', op: null })).toEqual({ version: 1 });
  expect((await client.load('team/board 1')).edits.map((e) => e.editId)).toEqual(['e1']);
});
