import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { SqliteDeployStore } from '../../src/store/sqlite-deploy-store.js';
import { T0, newDeploy, stepFrom, tempDirs } from './fixtures.js';

const dirs = tempDirs();
afterEach(() => dirs.removeAll());

async function everything(store: SqliteDeployStore) {
  return {
    deploys: await store.listDeploys({}),
    steps: await store.steps('dep-1'),
    audit: await store.audit({}),
    actions: await store.pendingActions('dep-1'),
    notes: await store.pendingNotes(T0 + 1_000_000, 100),
    unrendered: await store.unrendered(10),
    lock: await store.getLock('boards'),
    migrations: await store.migrationsApplied(),
  };
}

describe('file-backed store', () => {
  it('finds everything it wrote after being closed and opened again', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    const store = await openStore({ file });
    const created = await store.createDeploy(newDeploy({ kind: 'release', state: 'planned' }), { actor: 'U1', action: 'request', reason: 'daily' });
    await store.acquireLock({ service: 'boards', deployId: created.id, holder: 'U1', reason: 'daily release', since: T0 });
    await store.setSlackMessage(created.id, 'C1', '1.0');
    await store.markRendered(created.id, 1, T0 + 1);
    const confirmed = await store.commitStep(
      stepFrom(created, {
        toState: 'confirmed',
        facts: { fleet: ['i-1', 'i-2'], nested: { ok: true } },
        wakeAt: T0 + 60_000,
        summary: 'confirmed by U2',
        audit: [{ actor: 'U2', action: 'confirm', data: { window: 'weekday' } }],
        notes: [
          { type: 'text', text: 'confirmed' },
          { type: 'text', text: 'launching' },
        ],
      }),
    );
    await store.addAction({ deployId: created.id, action: 'pause', actor: 'U3', reason: 'incident', at: confirmed.updatedAt + 1 });
    const [first] = await store.pendingNotes(T0 + 1_000_000, 1);
    await store.markNoteSending(first.id, T0 + 4);
    await store.markNoteFailed(first.id, 'timeout', T0 + 5000, true);
    await store.appendAudit(null, { actor: 'U4', action: 'refused' }, T0 + 6);

    const before = await everything(store);
    await store.close();
    const reopened = await openStore({ file });
    const after = await everything(reopened);
    await reopened.close();

    expect(after).toEqual(before);
    expect(after.deploys[0]).toMatchObject({ state: 'confirmed', revision: 2, renderedRevision: 1, facts: { fleet: ['i-1', 'i-2'], nested: { ok: true } } });
    expect(after.notes).toMatchObject([
      { attempts: 1, lastError: 'timeout', sendingSince: T0 + 4, note: { type: 'text', text: 'confirmed' } },
      { attempts: 0, sendingSince: null, note: { type: 'text', text: 'launching' } },
    ]);
    expect(after.actions).toHaveLength(1);
    expect(after.lock).toMatchObject({ deployId: 'dep-1', reason: 'daily release' });
    expect(after.audit.map((a) => a.action)).toEqual(['refused', 'pause', 'confirm', 'request']);
  });
});
