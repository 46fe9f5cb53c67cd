import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../src/deploy/store-port.js';
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

describe('commitStep', () => {
  it('writes the new state, facts, timer, step, audit entries and thread notes together and bumps the revision', async () => {
    const created = await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });
    const committed = await store.commitStep(
      stepFrom(created, {
        toState: 'launching',
        facts: { canaries: 1, instanceIds: ['i-1'] },
        wakeAt: T0 + 60_000,
        startedAt: T0 + 10,
        at: T0 + 500,
        summary: 'launched 1 canary',
        audit: [{ actor: 'U123', action: 'launch', reason: 'first try', data: { imageId: 'ami-1' } }],
        notes: [{ type: 'launched', instances: [{ instanceId: 'i-1', privateIp: '10.0.0.1' }] }],
      }),
    );

    expect(committed).toMatchObject({ state: 'launching', revision: 2, renderedRevision: 0, updatedAt: T0 + 500, wakeAt: T0 + 60_000 });
    expect(committed.facts).toEqual({ canaries: 1, instanceIds: ['i-1'] });
    expect(await store.getDeploy(created.id)).toEqual(committed);
    expect(await store.steps(created.id)).toEqual([
      { deployId: 'dep-1', seq: 1, fromState: 'requested', toState: 'launching', startedAt: T0 + 10, finishedAt: T0 + 500, summary: 'launched 1 canary' },
    ]);
    const [latest] = await store.audit({ deployId: created.id, limit: 1 });
    expect(latest).toMatchObject({ actor: 'U123', action: 'launch', reason: 'first try', fromState: 'requested', toState: 'launching', data: { imageId: 'ami-1' } });

    await store.setSlackMessage(created.id, 'C1', '1.0');
    const [note] = await store.pendingNotes(T0 + 500, 10);
    expect(note).toMatchObject({ deployId: 'dep-1', attempts: 0, nextAttemptAt: T0 + 500, note: { type: 'launched' } });
  });

  it('numbers steps one after another', async () => {
    const created = await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });
    const launching = await store.commitStep(stepFrom(created, { toState: 'launching' }));
    await store.commitStep(stepFrom(launching, { toState: 'registering' }));

    expect((await store.steps(created.id)).map((s) => [s.seq, s.toState])).toEqual([
      [1, 'launching'],
      [2, 'registering'],
    ]);
  });

  it('refuses a stale revision with StaleWriteError and writes nothing', async () => {
    const created = await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });
    const action = await store.addAction({ deployId: created.id, action: 'approve', actor: 'U9', reason: null, at: T0 + 1 });
    const current = (await store.getDeploy(created.id))!;
    const auditBefore = await store.audit({ deployId: created.id });
    await store.setSlackMessage(created.id, 'C1', '1.0');

    const stale = stepFrom(current, {
      expectedRevision: current.revision + 1,
      toState: 'approved',
      audit: [{ actor: 'U9', action: 'approve' }],
      consumedActionIds: [action.id],
      notes: [{ type: 'text', text: 'approved' }],
    });
    await expect(store.commitStep(stale)).rejects.toBeInstanceOf(StaleWriteError);

    expect(await store.getDeploy(created.id)).toEqual({ ...current, slackChannel: 'C1', slackTs: '1.0' });
    expect(await store.steps(created.id)).toEqual([]);
    expect(await store.audit({ deployId: created.id })).toEqual(auditBefore);
    expect(await store.pendingActions(created.id)).toEqual([action]);
    expect(await store.pendingNotes(T0 + 10_000, 10)).toEqual([]);
  });

  it('refuses a writer that believes the deploy is in another state', async () => {
    const created = await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });
    await expect(store.commitStep(stepFrom(created, { fromState: 'soaking', toState: 'approved' }))).rejects.toBeInstanceOf(StaleWriteError);
  });

  it('rolls back everything already written when a later part of the step fails', async () => {
    const created = await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });
    const unknownActionId = 4242;

    await expect(
      store.commitStep(stepFrom(created, { toState: 'launching', audit: [{ actor: 'U1', action: 'launch' }], consumedActionIds: [unknownActionId] })),
    ).rejects.toThrow(`action ${unknownActionId} is not a pending action of deploy dep-1`);

    expect(await store.getDeploy(created.id)).toEqual(created);
    expect(await store.steps(created.id)).toEqual([]);
    expect((await store.audit({ deployId: created.id })).map((a) => a.action)).toEqual(['request']);
  });

  it('audits a state change as the bot when the step names nobody', async () => {
    const created = await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });
    await store.commitStep(stepFrom(created, { toState: 'launching' }));

    const [latest] = await store.audit({ deployId: created.id, limit: 1 });
    expect(latest).toMatchObject({ actor: 'release-bot', action: 'state:requested->launching', fromState: 'requested', toState: 'launching', reason: null, data: null });
  });

  it('adds no audit entry for a step that keeps its state and names nobody', async () => {
    const created = await store.createDeploy(newDeploy(), { actor: 'U123', action: 'request' });
    await store.commitStep(stepFrom(created, { facts: { polled: 1 } }));

    expect((await store.audit({ deployId: created.id })).map((a) => a.action)).toEqual(['request']);
  });

  it('marks the consumed actions so the runner does not apply them twice', async () => {
    const created = await store.createDeploy(newDeploy({ state: 'soaking' }), { actor: 'U123', action: 'request' });
    const extend = await store.addAction({ deployId: created.id, action: 'extend', actor: 'U9', reason: 'more time', at: T0 + 1 });
    const approve = await store.addAction({ deployId: created.id, action: 'approve', actor: 'U9', reason: null, at: T0 + 2 });
    expect(await store.pendingActions(created.id)).toEqual([extend, approve]);

    const current = (await store.getDeploy(created.id))!;
    await store.commitStep(stepFrom(current, { consumedActionIds: [extend.id], at: T0 + 5 }));

    expect(await store.pendingActions(created.id)).toEqual([approve]);
  });

  it('serialises concurrent commits of different deploys instead of nesting their transactions', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `dep-${i}`);
    const created = await Promise.all(ids.map((id) => store.createDeploy(newDeploy({ id }), { actor: 'U123', action: 'request' })));

    const committed = await Promise.all(created.map((deploy) => store.commitStep(stepFrom(deploy, { toState: 'launching', notes: [{ type: 'text', text: deploy.id }] }))));

    expect(committed.map((d) => [d.id, d.state, d.revision])).toEqual(ids.map((id) => [id, 'launching', 2]));
    for (const id of ids) expect(await store.steps(id)).toHaveLength(1);
  });

  it('keeps a write made by another caller while a failing transaction was in flight', async () => {
    const [failing, bystander] = await Promise.all([
      store.createDeploy(newDeploy({ id: 'dep-failing' }), { actor: 'U1', action: 'request' }),
      store.createDeploy(newDeploy({ id: 'dep-bystander' }), { actor: 'U1', action: 'request' }),
    ]);

    const results = await Promise.allSettled([
      store.commitStep(stepFrom(failing, { toState: 'launching', consumedActionIds: [999] })),
      store.setSlackMessage(bystander.id, 'C1', '2.0'),
    ]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(await store.getDeploy(bystander.id)).toMatchObject({ slackChannel: 'C1', slackTs: '2.0' });
  });
});
