import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('deploys', () => {
  it('creates a deploy at revision 1, not yet rendered, with its first audit entry', async () => {
    const created = await store.createDeploy(newDeploy({ reason: 'hotfix' }), { actor: 'U123', action: 'request', reason: 'hotfix', data: { canaries: 1 } });

    expect(created).toEqual({
      id: 'dep-1',
      service: 'boards',
      kind: 'prerelease',
      version: '1.4.0',
      state: 'requested',
      outcome: null,
      actor: 'U123',
      reason: 'hotfix',
      createdAt: T0,
      updatedAt: T0,
      wakeAt: T0,
      finishedAt: null,
      facts: { canaries: 1 },
      slackChannel: null,
      slackTs: null,
      revision: 1,
      renderedRevision: 0,
      renderedAt: null,
      hold: null,
    });
    expect(await store.audit({ deployId: 'dep-1' })).toEqual([
      { id: expect.any(Number), deployId: 'dep-1', at: T0, actor: 'U123', action: 'request', reason: 'hotfix', fromState: null, toState: 'requested', data: { canaries: 1 } },
    ]);
  });

  it('creates nothing, not even the audit entry, when the deploy id is taken', async () => {
    await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });

    await expect(store.createDeploy(newDeploy({ version: '9.9.9' }), { actor: 'U999', action: 'request' })).rejects.toThrow(/UNIQUE/);
    expect((await store.audit({})).map((a) => a.actor)).toEqual(['U123']);
  });

  it('answers null for an unknown deploy', async () => {
    expect(await store.getDeploy('nope')).toBeNull();
  });

  it('lists deploys newest first, filtered by service, kind, version and unfinished', async () => {
    await store.createDeploy(newDeploy({ id: 'a', at: T0 }), { actor: 'U1', action: 'request' });
    await store.createDeploy(newDeploy({ id: 'b', at: T0 + 1, kind: 'release', state: 'planned' }), { actor: 'U1', action: 'request' });
    await store.createDeploy(newDeploy({ id: 'c', at: T0 + 2, service: 'search', version: '2.0.0' }), { actor: 'U1', action: 'request' });
    const d = await store.createDeploy(newDeploy({ id: 'd', at: T0 + 3 }), { actor: 'U1', action: 'request' });
    await store.commitStep(stepFrom(d, { toState: 'done', outcome: 'cancelled', finishedAt: T0 + 4 }));

    const ids = async (filter: Parameters<SqliteDeployStore['listDeploys']>[0]) => (await store.listDeploys(filter)).map((x) => x.id);
    expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
    expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
    expect(await ids({ service: 'boards' })).toEqual(['d', 'b', 'a']);
    expect(await ids({ kind: 'release' })).toEqual(['b']);
    expect(await ids({ version: '2.0.0' })).toEqual(['c']);
    expect(await ids({ unfinished: true })).toEqual(['c', 'b', 'a']);
    expect(await ids({ service: 'boards', kind: 'prerelease', unfinished: true })).toEqual(['a']);
  });

  it('records an action with its audit entry and touches the deploy', async () => {
    await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });

    const action = await store.addAction({ deployId: 'dep-1', action: 'reject', actor: 'U9', reason: 'errors in Sentry', at: T0 + 5000 });

    expect(action).toEqual({ id: expect.any(Number), deployId: 'dep-1', action: 'reject', actor: 'U9', reason: 'errors in Sentry', at: T0 + 5000, consumedAt: null });
    expect((await store.getDeploy('dep-1'))?.updatedAt).toBe(T0 + 5000);
    const [latest] = await store.audit({ deployId: 'dep-1', limit: 1 });
    expect(latest).toMatchObject({ actor: 'U9', action: 'reject', reason: 'errors in Sentry', at: T0 + 5000 });
  });

  it('refuses an action for a deploy that does not exist and audits nothing', async () => {
    await expect(store.addAction({ deployId: 'ghost', action: 'approve', actor: 'U9', reason: null, at: T0 })).rejects.toThrow('deploy ghost does not exist');
    expect(await store.audit({})).toEqual([]);
  });

  it('appends audit entries that belong to no deploy, newest first', async () => {
    await store.appendAudit(null, { actor: 'U1', action: 'refused', reason: 'outside the deploy window' }, T0);
    await store.appendAudit(null, { actor: 'U2', action: 'lock:break', data: { service: 'boards' } }, T0 + 1);

    expect((await store.audit({})).map((a) => [a.deployId, a.action, a.data])).toEqual([
      [null, 'lock:break', { service: 'boards' }],
      [null, 'refused', null],
    ]);
    expect(await store.audit({ limit: 1 })).toHaveLength(1);
  });

  it('lists deploys whose parent message is missing or behind, oldest change first', async () => {
    const a = await store.createDeploy(newDeploy({ id: 'a', at: T0 }), { actor: 'U1', action: 'request' });
    await store.createDeploy(newDeploy({ id: 'b', at: T0 + 1 }), { actor: 'U1', action: 'request' });
    expect((await store.unrendered(10)).map((d) => d.id)).toEqual(['a', 'b']);

    await store.setSlackMessage('a', 'C1', '1.0');
    await store.markRendered('a', a.revision, T0 + 2);
    expect((await store.unrendered(10)).map((d) => d.id)).toEqual(['b']);

    const moved = await store.commitStep(stepFrom(a, { toState: 'launching', at: T0 + 10 }));
    expect((await store.unrendered(10)).map((d) => d.id)).toEqual(['b', 'a']);
    expect((await store.unrendered(1)).map((d) => d.id)).toEqual(['b']);

    await store.markRendered('a', moved.revision, T0 + 11);
    expect(await store.getDeploy('a')).toMatchObject({ slackChannel: 'C1', slackTs: '1.0', renderedRevision: 2, renderedAt: T0 + 11 });
  });

  it('never moves the rendered revision backwards', async () => {
    const a = await store.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
    const moved = await store.commitStep(stepFrom(a, { toState: 'launching' }));
    await store.markRendered('dep-1', moved.revision, T0 + 20);

    await store.markRendered('dep-1', a.revision, T0 + 30);

    expect(await store.getDeploy('dep-1')).toMatchObject({ renderedRevision: 2, renderedAt: T0 + 20 });
  });
});
