import { beforeEach, describe, expect, it } from 'vitest';
import type { Directory } from '../../src/deploy/ports.js';
import { checkReleaseAction, type ReleaseAction } from '../../src/deploy/release/actions.js';
import { initialReleaseFacts, PAUSABLE } from '../../src/deploy/release/facts.js';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { openStore } from '../../src/store/open-store.js';
import { serviceWith } from '../support/catalog.js';

// Saturday 2026-12-12 10:00 UTC, inside a freeze and outside weekday hours.
const SATURDAY = Date.UTC(2026, 11, 12, 10);
const RELEASER = 'U0RELEASER';
const directory: Directory = { membersOf: async (group) => (group === 'S0RELEASERS' ? [RELEASER] : []) };
const closed = serviceWith({
  access: { deploy: [], approve: [], release: ['S0RELEASERS'] },
  windows: { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-16:00', holidays: [], freezes: [{ from: '2026-12-10', to: '2026-12-20', reason: 'year-end freeze' }] },
});

describe('rollback is never blocked by windows, freezes or the release’s own lock', () => {
  let store: Awaited<ReturnType<typeof openStore>>;

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
  });

  async function release(state: string): Promise<StoredDeploy> {
    const facts = initialReleaseFacts({
      fleetSize: 1,
      oldInstances: [{ instanceId: 'i-old1', privateIp: '10.0.0.1', version: '1.0.0', canary: false }],
      adopt: [],
      imageId: 'ami-110',
      imageName: 'board-1.1.0',
      commit: null,
      fromVersion: '1.0.0',
      fromCommit: null,
      prerelease: null,
      overrideReason: 'test',
      windowOverride: null,
      changelog: { commits: 0, issueKeys: [], omitted: 0 },
    });
    const deploy = await store.createDeploy(
      { id: `rl-${state.replace('_', '')}1`, service: 'board', kind: 'release', version: '1.1.0', state, actor: RELEASER, reason: null, facts: facts as unknown as Record<string, unknown>, wakeAt: null, at: SATURDAY },
      { actor: RELEASER, action: 'release_planned' },
    );
    // The release holds its service's lock while it runs, as the workflow takes it on Start.
    await store.acquireLock({ service: 'board', deployId: deploy.id, holder: RELEASER, reason: 'release 1.1.0', since: SATURDAY });
    return deploy;
  }

  const check = async (deploy: StoredDeploy, action: ReleaseAction) =>
    checkReleaseAction({ deploy, service: closed, action, actor: RELEASER, reason: null, now: SATURDAY, pending: await store.pendingActions(deploy.id), directory });

  it('refuses Start on that Saturday, which proves the window is closed', async () => {
    expect(await check(await release('planned'), 'start')).toMatchObject({ ok: false, problem: expect.stringContaining('Outside the deploy window') });
  });

  it.each([...PAUSABLE, 'paused'])('accepts Rollback while %s', async (state) => {
    expect(await check(await release(state), 'rollback')).toEqual({ ok: true });
  });

  it('accepts Rollback while a Pause is waiting to be carried out', async () => {
    const deploy = await release('draining');
    await store.addAction({ deployId: deploy.id, action: 'pause', actor: RELEASER, reason: null, at: SATURDAY });
    expect(await check(deploy, 'rollback')).toEqual({ ok: true });
  });
});
