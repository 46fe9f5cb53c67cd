import { beforeEach, describe, expect, it } from 'vitest';
import { initialPrereleaseFacts, type PrereleaseFacts } from '../../src/deploy/prerelease/facts.js';
import { checkPrereleaseAction, type PrereleaseAction } from '../../src/deploy/prerelease/actions.js';
import type { Directory } from '../../src/deploy/ports.js';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { openStore } from '../../src/store/open-store.js';
import { serviceWith } from '../support/catalog.js';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 23, 9);
const directory: Directory = { membersOf: async (g) => (g === 'S0APPROVERS' ? ['U0APPROVER', 'U0DEPLOYER2'] : g === 'S0DEPLOYERS' ? ['U0DEPLOYER', 'U0DEPLOYER2'] : []) };
const service = serviceWith({ prerelease: { fourEyes: true } });

describe('pre-release button rules', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let deploy: StoredDeploy;

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
    const facts: PrereleaseFacts = { ...initialPrereleaseFacts({ imageId: 'ami-1', name: 'board-1.1.0' }, 1, { version: null, commit: null }), soakStartedAt: T0 };
    deploy = await store.createDeploy(
      { id: 'pr-abc123', service: 'board', kind: 'prerelease', version: '1.1.0', state: 'soaking', actor: 'U0DEPLOYER2', reason: null, facts: facts as unknown as Record<string, unknown>, wakeAt: null, at: T0 },
      { actor: 'U0DEPLOYER2', action: 'prerelease_requested' },
    );
  });

  const check = async (action: PrereleaseAction, actor: string, now: number, reason: string | null = null, target: StoredDeploy | null = deploy) =>
    checkPrereleaseAction({ deploy: target, service, action, actor, reason, now, pending: target ? await store.pendingActions(target.id) : [], directory });

  it('lets an approver approve after the minimum soak', async () => {
    expect(await check('approve', 'U0APPROVER', T0 + 4 * HOUR)).toEqual({ ok: true });
  });

  it('asks for a reason before the minimum soak, and accepts one', async () => {
    expect(await check('approve', 'U0APPROVER', T0 + HOUR)).toMatchObject({ ok: false, needsReason: true, problem: expect.stringContaining('3h left') });
    expect(await check('approve', 'U0APPROVER', T0 + HOUR, 'urgent fix')).toEqual({ ok: true });
  });

  it('keeps four eyes: the requester cannot approve even as an approver', async () => {
    expect(await check('approve', 'U0DEPLOYER2', T0 + 5 * HOUR)).toMatchObject({ ok: false, problem: expect.stringContaining('four eyes') });
  });

  it('refuses approvals and rejections from people who are not approvers', async () => {
    expect(await check('approve', 'U0DEPLOYER', T0 + 5 * HOUR)).toMatchObject({ ok: false, problem: expect.stringContaining('not allowed') });
    expect(await check('reject', 'U0OUTSIDER', T0 + 5 * HOUR)).toMatchObject({ ok: false });
  });

  it('lets deployers extend the soak', async () => {
    expect(await check('extend', 'U0DEPLOYER', T0 + HOUR)).toEqual({ ok: true });
    expect(await check('extend', 'U0OUTSIDER', T0 + HOUR)).toMatchObject({ ok: false });
  });

  it('refuses a second decision while the first is being carried out (double click)', async () => {
    await store.addAction({ deployId: deploy.id, action: 'reject', actor: 'U0APPROVER', reason: null, at: T0 + HOUR });
    expect(await check('approve', 'U0APPROVER', T0 + 5 * HOUR)).toMatchObject({ ok: false, problem: expect.stringContaining('already') });
    expect(await check('reject', 'U0APPROVER', T0 + 5 * HOUR)).toMatchObject({ ok: false });
  });

  it('refuses buttons of unknown or finished pre-releases', async () => {
    expect(await check('approve', 'U0APPROVER', T0, null, null)).toMatchObject({ ok: false, problem: expect.stringContaining('does not know') });
    expect(await check('reject', 'U0APPROVER', T0, null, { ...deploy, finishedAt: T0, outcome: 'approved', state: 'done' })).toMatchObject({ ok: false, problem: expect.stringContaining('has ended') });
  });

  it('asks for a reason when Sentry cannot be read, even after the minimum soak', async () => {
    const facts = { ...(deploy.facts as unknown as PrereleaseFacts), sentry: { ok: false, checkedAt: T0, problem: '503', since: T0 } };
    const blind = { ...deploy, facts: facts as unknown as Record<string, unknown> };
    expect(await check('approve', 'U0APPROVER', T0 + 5 * HOUR, null, blind)).toMatchObject({ ok: false, needsReason: true });
  });
});
