import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ThreadNote } from '../../src/deploy/records.js';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { MEMORY, openStore } from '../../src/store/open-store.js';
import type { SqliteDeployStore } from '../../src/store/sqlite-deploy-store.js';
import { T0, newDeploy, stepFrom } from './fixtures.js';

let store: SqliteDeployStore;
beforeEach(async () => {
  store = await openStore({ file: MEMORY });
});
afterEach(async () => {
  await store.close();
});

const text = (t: string): ThreadNote => ({ type: 'text', text: t });

async function deployWithNotes(id: string, notes: string[], at: number, posted = true): Promise<StoredDeploy> {
  const created = await store.createDeploy(newDeploy({ id, at }), { actor: 'U1', action: 'request' });
  if (posted) await store.setSlackMessage(id, 'C1', `${id}.ts`);
  return store.commitStep(stepFrom(created, { at, notes: notes.map(text) }));
}

const texts = async (now: number) => (await store.pendingNotes(now, 100)).map((item) => (item.note as { text: string }).text);

describe('thread note outbox', () => {
  it('offers every unsent note of a due thread, in the order they were written', async () => {
    await deployWithNotes('a', ['a1', 'a2'], T0);
    await deployWithNotes('b', ['b1'], T0);

    expect(await texts(T0)).toEqual(['a1', 'a2', 'b1']);

    const [a1] = await store.pendingNotes(T0, 1);
    await store.markNoteSent(a1.id, '111.1', T0 + 1);
    expect(await texts(T0 + 1)).toEqual(['a2', 'b1']);
  });

  it('holds notes until the deploy has a parent message to thread under', async () => {
    await deployWithNotes('a', ['a1'], T0, false);
    expect(await texts(T0)).toEqual([]);

    await store.setSlackMessage('a', 'C1', '1.0');
    expect(await texts(T0)).toEqual(['a1']);
  });

  it('does not offer notes written after now', async () => {
    await deployWithNotes('a', ['a1'], T0 + 1000);
    expect(await texts(T0)).toEqual([]);
  });

  it('a failed note waiting for its retry blocks the later notes of its deploy only', async () => {
    await deployWithNotes('a', ['a1', 'a2'], T0);
    await deployWithNotes('b', ['b1', 'b2'], T0);
    const [a1] = await store.pendingNotes(T0, 1);

    await store.markNoteFailed(a1.id, 'ratelimited', T0 + 30_000, false);

    expect(await texts(T0 + 1)).toEqual(['b1', 'b2']);
    const [b1] = (await store.pendingNotes(T0 + 1, 100)).filter((n) => n.deployId === 'b');
    await store.markNoteSent(b1.id, '2.0', T0 + 2);
    expect(await texts(T0 + 2)).toEqual(['b2']);

    const [retry] = (await store.pendingNotes(T0 + 30_000, 100)).filter((n) => n.deployId === 'a');
    expect(retry).toMatchObject({ id: a1.id, attempts: 1, lastError: 'ratelimited', nextAttemptAt: T0 + 30_000 });
    await store.markNoteSent(retry.id, '1.1', T0 + 30_001);
    expect(await texts(T0 + 30_001)).toEqual(['a2', 'b2']);
  });

  it('counts every failed attempt', async () => {
    await deployWithNotes('a', ['a1'], T0);
    const [a1] = await store.pendingNotes(T0, 1);

    await store.markNoteFailed(a1.id, 'timeout', T0 + 10, false);
    await store.markNoteFailed(a1.id, 'channel_not_found', T0 + 20, false);

    expect(await store.pendingNotes(T0 + 20, 1)).toEqual([
      { id: a1.id, deployId: 'a', note: text('a1'), createdAt: T0, attempts: 2, nextAttemptAt: T0 + 20, lastError: 'channel_not_found', sendingSince: null },
    ]);
  });

  it('remembers when the first post of a note began while Slack may have it, until it is sent or refused', async () => {
    await deployWithNotes('a', ['a1'], T0);
    const [a1] = await store.pendingNotes(T0, 1);
    const sendingSince = async () => (await store.pendingNotes(T0 + 1000, 1))[0]?.sendingSince;

    await store.markNoteSending(a1.id, T0 + 1);
    expect(await sendingSince()).toBe(T0 + 1);
    await store.markNoteFailed(a1.id, 'request timed out', T0 + 2, true);
    await store.markNoteSending(a1.id, T0 + 3);
    expect(await sendingSince()).toBe(T0 + 1);

    await store.markNoteFailed(a1.id, 'ratelimited', T0 + 4, false);
    expect(await sendingSince()).toBeNull();
  });

  it('respects the limit across deploys', async () => {
    await deployWithNotes('a', ['a1'], T0);
    await deployWithNotes('b', ['b1'], T0);
    await deployWithNotes('c', ['c1'], T0);

    expect((await store.pendingNotes(T0, 2)).map((n) => n.deployId)).toEqual(['a', 'b']);
  });
});
