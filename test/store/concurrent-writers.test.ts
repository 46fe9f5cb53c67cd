import { describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../src/deploy/store-port.js';
import { newDeploy, stepFrom, T0, storesOnOneFile } from './fixtures.js';

const click = (action: 'approve' | 'reject', actor: string) => ({ deployId: 'dep-1', action, actor, reason: null, at: T0 + 1 });

/** What two bot processes on one database may do at the same moment, through two connections to one file. */
describe('writers in two processes', () => {
  const db = storesOnOneFile();

  describe('a click recorded against what its check read', () => {
    it('is recorded while nothing changed', async () => {
      const deploy = await db.a.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
      await db.a.addAction(click('approve', 'U2'), { revision: deploy.revision, pendingActionIds: [] });
      expect((await db.b.pendingActions(deploy.id)).map((p) => p.action)).toEqual(['approve']);
    });

    it('is refused, writing nothing, once another click was recorded after the check', async () => {
      const deploy = await db.a.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
      const seen = { revision: deploy.revision, pendingActionIds: [] };
      const results = await Promise.allSettled([db.a.addAction(click('approve', 'U2'), seen), db.b.addAction(click('approve', 'U3'), seen)]);

      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(StaleWriteError);
      expect(await db.a.pendingActions(deploy.id)).toHaveLength(1);
      expect((await db.a.audit({ deployId: deploy.id })).filter((e) => e.action === 'approve')).toHaveLength(1);
    });

    it('is refused once a step was committed after the check, even one that consumed nothing', async () => {
      const deploy = await db.a.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
      await db.b.commitStep(stepFrom(deploy, { toState: 'soaking' }));
      await expect(db.a.addAction(click('reject', 'U2'), { revision: deploy.revision, pendingActionIds: [] })).rejects.toBeInstanceOf(StaleWriteError);
      expect(await db.a.pendingActions(deploy.id)).toEqual([]);
    });

    it('is refused once a pending action it saw was consumed', async () => {
      const deploy = await db.a.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
      const first = await db.a.addAction(click('approve', 'U2'));
      const seen = { revision: deploy.revision, pendingActionIds: [first.id] };
      await db.b.commitStep(stepFrom(deploy, { toState: 'approved', consumedActionIds: [first.id] }));
      await expect(db.a.addAction(click('reject', 'U3'), seen)).rejects.toBeInstanceOf(StaleWriteError);
    });
  });

  it('creates one of two pre-releases of the same version asked for at the same moment, and returns it to the other', async () => {
    const results = await Promise.all([
      db.a.createDeployUnlessRunning(newDeploy({ id: 'pr-a' }), { actor: 'U1', action: 'prerelease_requested' }),
      db.b.createDeployUnlessRunning(newDeploy({ id: 'pr-b' }), { actor: 'U2', action: 'prerelease_requested' }),
    ]);
    const created = results.flatMap((r) => ('created' in r ? [r.created.id] : []));
    const running = results.flatMap((r) => ('running' in r ? [r.running.id] : []));
    expect(created).toHaveLength(1);
    expect(running).toEqual(created);
    expect(await db.a.listDeploys({})).toHaveLength(1);
  });

  it('creates a pre-release of another version, or of a version whose pre-release finished', async () => {
    const first = await db.a.createDeploy(newDeploy({ id: 'pr-a' }), { actor: 'U1', action: 'x' });
    expect(await db.b.createDeployUnlessRunning(newDeploy({ id: 'pr-b', version: '1.5.0' }), { actor: 'U1', action: 'x' })).toHaveProperty('created');
    await db.a.commitStep(stepFrom(first, { toState: 'done', outcome: 'rejected', finishedAt: T0 + 1 }));
    expect(await db.b.createDeployUnlessRunning(newDeploy({ id: 'pr-c' }), { actor: 'U1', action: 'x' })).toHaveProperty('created');
  });

  it('gives a service lock to one of two plans taking it at the same moment', async () => {
    const lock = (deployId: string) => ({ service: 'boards', deployId, holder: 'U1', reason: deployId, since: T0 });
    const results = await Promise.all([db.a.acquireLock(lock('rl-a')), db.b.acquireLock(lock('rl-b'))]);
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
  });
});
