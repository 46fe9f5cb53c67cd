import { beforeEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { initialPrereleaseFacts } from '../../src/deploy/prerelease/facts.js';
import { planRelease, PLANNING_MS, type ReleaseRequest } from '../../src/deploy/release/request.js';
import { openStore } from '../../src/store/open-store.js';
import { exampleService } from '../support/catalog.js';
import { createFakeFleet } from '../support/fake-fleet.js';

const MONDAY_NOON_BERLIN = Date.UTC(2026, 10, 23, 11);
const SATURDAY = Date.UTC(2026, 10, 28, 11);
const images = [
  { imageId: 'ami-1', name: 'board-1.0.0', version: '1.0.0', state: 'available', createdAt: '2026-11-20T00:00:00Z', commit: 'a' },
  { imageId: 'ami-2', name: 'board-1.1.0', version: '1.1.0', state: 'available', createdAt: '2026-11-21T00:00:00Z', commit: 'b' },
  { imageId: 'ami-3', name: 'board-1.2.0', version: '1.2.0', state: 'pending', createdAt: '2026-11-22T00:00:00Z', commit: 'c' },
];

describe('release plans and refusals', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let fake: ReturnType<typeof createFakeFleet>;
  let service: ServiceConfig;
  const members: Record<string, string[]> = { S0APPROVERS: ['U0REL'] };

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
    fake = createFakeFleet(images);
    for (let n = 0; n < 3; n++) fake.seedServing('1.0.0', 'fleet');
    service = exampleService();
  });

  const plan = (request: Partial<ReleaseRequest>, actor = 'U0REL', now = MONDAY_NOON_BERLIN, prometheus = true) =>
    planRelease(
      { services: { board: service }, fleet: fake.fleet, directory: { membersOf: async (g) => members[g] ?? [] }, store, changelog: { between: async () => ({ entries: [], omitted: 0 }) }, configured: { prometheus } },
      { service: 'board', overrideWindow: false, ...request },
      actor,
      now,
    );

  async function approve(version: string) {
    const facts = { ...initialPrereleaseFacts({ imageId: 'ami-2', name: 'board-1.1.0' }, 1, { version: '1.0.0', commit: 'a' }), soakStartedAt: MONDAY_NOON_BERLIN - 5 * 3600_000, decision: { kind: 'approved' as const, by: 'U0APPROVER', reason: null, at: MONDAY_NOON_BERLIN - 3600_000 } };
    await store.createDeploy({ id: 'pr-ok1', service: 'board', kind: 'prerelease', version, state: 'done', actor: 'U0DEP', reason: null, facts: facts as unknown as Record<string, unknown>, wakeAt: null, at: MONDAY_NOON_BERLIN }, { actor: 'U0DEP', action: 'x' });
    await store.commitStep({ deployId: 'pr-ok1', expectedRevision: 1, fromState: 'done', toState: 'done', facts: facts as unknown as Record<string, unknown>, wakeAt: null, outcome: 'approved', finishedAt: MONDAY_NOON_BERLIN, startedAt: MONDAY_NOON_BERLIN, at: MONDAY_NOON_BERLIN, summary: null, audit: [], consumedActionIds: [], notes: [] });
  }

  it('defaults to the newest approved pre-release and records who approved it after how long a soak', async () => {
    await approve('1.1.0');
    const proposal = await plan({});
    expect(proposal.ok).toBe(true);
    if (!proposal.ok) return;
    expect(proposal.version).toBe('1.1.0');
    expect(proposal.facts.plan).toMatchObject({ fleetSize: 3, fromVersion: '1.0.0', prerelease: { approvedBy: 'U0APPROVER', soakedMs: 4 * 3600_000 }, overrideReason: null });
  });

  it.each([
    [{ service: 'boards' }, /no service called `boards`/],
    [{ version: '1.1' }, /is not a version/],
    [{ version: '1.1.0' }, /no approved pre-release/],
    [{ version: '9.9.9', reason: 'hotfix' }, /No AMI .* tagged/],
    [{ version: '1.2.0', reason: 'hotfix' }, /is `pending`/],
    [{}, /no approved pre-release to release/],
  ])('refuses %j', async (request, problem) => {
    const answer = await plan(request);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.problem).toMatch(problem);
  });

  it('refuses people who may not release', async () => {
    const answer = await plan({ version: '1.1.0', reason: 'x y z' }, 'U0DEP');
    expect(answer.ok === false && answer.problem).toContain('not allowed to release');
  });

  it('refuses without Prometheus, since boards per server could not be seen', async () => {
    const answer = await plan({ version: '1.1.0', reason: 'hotfix' }, 'U0REL', MONDAY_NOON_BERLIN, false);
    expect(answer.ok === false && answer.problem).toContain('PROMETHEUS_URL');
  });

  it('refuses outside the deploy window, naming the next opening, unless overridden with a reason', async () => {
    const closed = await plan({ version: '1.1.0', reason: 'hotfix' }, 'U0REL', SATURDAY);
    expect(closed.ok === false && closed.problem).toMatch(/Outside the deploy window: .*Saturday/);
    expect(closed.ok === false && closed.problem).toContain('The next window opens');
    const overridden = await plan({ version: '1.1.0', reason: 'incident INC-42', overrideWindow: true }, 'U0REL', SATURDAY);
    expect(overridden.ok && overridden.facts.plan.windowOverride).toEqual({ by: 'U0REL', reason: 'incident INC-42' });
  });

  it('names who holds the lock of a running release', async () => {
    await store.createDeploy({ id: 'rl-held1', service: 'board', kind: 'release', version: '1.1.0', state: 'draining', actor: 'U0OTHER', reason: null, facts: {}, wakeAt: null, at: MONDAY_NOON_BERLIN }, { actor: 'U0OTHER', action: 'x' });
    await store.acquireLock({ service: 'board', deployId: 'rl-held1', holder: 'U0OTHER', reason: 'release of 1.1.0', since: MONDAY_NOON_BERLIN });
    const answer = await plan({ version: '1.1.0', reason: 'again' });
    expect(answer.ok === false && answer.problem).toMatch(/already under way: release of 1\.1\.0, held by <@U0OTHER>/);
  });

  it('frees a lock left by a finished release', async () => {
    await store.createDeploy({ id: 'rl-done1', service: 'board', kind: 'release', version: '1.0.0', state: 'done', actor: 'U0OTHER', reason: null, facts: {}, wakeAt: null, at: MONDAY_NOON_BERLIN }, { actor: 'U0OTHER', action: 'x' });
    await store.commitStep({ deployId: 'rl-done1', expectedRevision: 1, fromState: 'done', toState: 'done', facts: {}, wakeAt: null, outcome: 'released', finishedAt: MONDAY_NOON_BERLIN, startedAt: MONDAY_NOON_BERLIN, at: MONDAY_NOON_BERLIN, summary: null, audit: [], consumedActionIds: [], notes: [] });
    await store.acquireLock({ service: 'board', deployId: 'rl-done1', holder: 'U0OTHER', reason: 'release of 1.0.0', since: MONDAY_NOON_BERLIN });
    expect((await plan({ version: '1.1.0', reason: 'hotfix' })).ok).toBe(true);
  });

  it('leaves the lock of a plan being written (by another bot process) alone, and frees it once its bot must have died', async () => {
    await store.acquireLock({ service: 'board', deployId: 'rl-new1', holder: 'U0OTHER', reason: 'release of 1.1.0', since: MONDAY_NOON_BERLIN });
    const writing = await plan({ version: '1.1.0', reason: 'hotfix' }, 'U0REL', MONDAY_NOON_BERLIN + PLANNING_MS - 1);
    expect(writing.ok === false && writing.problem).toMatch(/being planned by <@U0OTHER>/);
    expect(await store.getLock('board')).toMatchObject({ deployId: 'rl-new1' });
    expect((await plan({ version: '1.1.0', reason: 'hotfix' }, 'U0REL', MONDAY_NOON_BERLIN + PLANNING_MS)).ok).toBe(true);
  });

  it('counts canaries of other versions as old and adopts one of the released version', async () => {
    fake.seedServing('1.2.0', 'canary');
    const canary = fake.seedServing('1.1.0', 'canary');
    const proposal = await plan({ version: '1.1.0', reason: 'with canary' });
    expect(proposal.ok).toBe(true);
    if (!proposal.ok) return;
    expect(proposal.facts.plan.adopt.map((a) => a.instanceId)).toEqual([canary.instanceId]);
    expect(proposal.facts.plan.oldInstances).toHaveLength(4);
    expect(proposal.facts.plan.fleetSize).toBe(3);
  });
});
