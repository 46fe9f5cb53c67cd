import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lock } from '../../src/deploy/store-port.js';
import { MEMORY, openStore } from '../../src/store/open-store.js';
import type { SqliteDeployStore } from '../../src/store/sqlite-deploy-store.js';
import { T0 } from './fixtures.js';

let store: SqliteDeployStore;
beforeEach(async () => {
  store = await openStore({ file: MEMORY });
});
afterEach(async () => {
  await store.close();
});

const lockFor = (deployId: string, overrides: Partial<Lock> = {}): Lock => ({
  service: 'boards',
  deployId,
  holder: 'U123',
  reason: `release ${deployId}`,
  since: T0,
  ...overrides,
});

describe('service release locks', () => {
  it('gives a free lock to the first deploy that asks', async () => {
    expect(await store.acquireLock(lockFor('rel-1'))).toEqual({ acquired: true });
    expect(await store.getLock('boards')).toEqual(lockFor('rel-1'));
  });

  it('refuses a second deploy and names who holds the lock and why', async () => {
    await store.acquireLock(lockFor('rel-1'));

    expect(await store.acquireLock(lockFor('rel-2', { holder: 'U999', since: T0 + 5 }))).toEqual({ acquired: false, holder: lockFor('rel-1') });
  });

  it('lets the holding deploy ask again without losing its original reason and time', async () => {
    await store.acquireLock(lockFor('rel-1'));

    expect(await store.acquireLock(lockFor('rel-1', { reason: 'resumed', since: T0 + 99 }))).toEqual({ acquired: true });
    expect(await store.getLock('boards')).toEqual(lockFor('rel-1'));
  });

  it('locks services independently', async () => {
    await store.acquireLock(lockFor('rel-1'));

    expect(await store.acquireLock(lockFor('rel-2', { service: 'search' }))).toEqual({ acquired: true });
  });

  it('ignores a release by a deploy that does not hold the lock', async () => {
    await store.acquireLock(lockFor('rel-1'));

    await store.releaseLock('boards', 'rel-2');

    expect(await store.getLock('boards')).toEqual(lockFor('rel-1'));
  });

  it('frees the lock when its holder releases it, so the next deploy can take it', async () => {
    await store.acquireLock(lockFor('rel-1'));

    await store.releaseLock('boards', 'rel-1');

    expect(await store.getLock('boards')).toBeNull();
    expect(await store.acquireLock(lockFor('rel-2'))).toEqual({ acquired: true });
  });

  it('gives a contested lock to exactly one of several concurrent deploys', async () => {
    const results = await Promise.all(['rel-1', 'rel-2', 'rel-3'].map((id) => store.acquireLock(lockFor(id))));

    expect(results.filter((r) => r.acquired)).toHaveLength(1);
  });
});
