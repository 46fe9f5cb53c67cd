import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrereleaseFacts } from '../../src/deploy/prerelease/facts.js';
import { initialPrereleaseFacts } from '../../src/deploy/prerelease/facts.js';
import { createPrereleaseWorkflow } from '../../src/deploy/prerelease/workflow.js';
import { DependencyError, type Changelog, type NewErrors, type NewIssue } from '../../src/deploy/ports.js';
import { Runner } from '../../src/deploy/runner.js';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { openStore } from '../../src/store/open-store.js';
import { serviceWith } from '../support/catalog.js';
import { createFakeFleet } from '../support/fake-fleet.js';
import { manualClock } from '../support/manual-clock.js';

const MIN = 60_000;
const image = { imageId: 'ami-0new', name: 'board-1.42.0', version: '1.42.0', state: 'available', createdAt: '2026-11-22T00:00:00Z', commit: 'c0ffee' };

function newIssue(id: string, level: NewIssue['level']): NewIssue {
  return { id, shortId: `BOARD-${id}`, title: `TypeError ${id}`, level, count: 2, userCount: 1, firstSeen: '2026-11-23T09:10:00Z', permalink: `https://sentry.example/issues/${id}/` };
}

describe('pre-release workflow (runner, sqlite store, fake ports, fake clock)', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let clock: ReturnType<typeof manualClock>;
  let fake: ReturnType<typeof createFakeFleet>;
  let issues: NewIssue[];
  let sentryFailure: DependencyError | null;
  let runner: Runner;
  const service = serviceWith({ prerelease: { autoApprove: false } });

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
    clock = manualClock();
    fake = createFakeFleet([image]);
    issues = [];
    sentryFailure = null;
    const newErrors: NewErrors = {
      async newIssues() {
        if (sentryFailure) throw sentryFailure;
        return issues;
      },
    };
    const changelog: Changelog = {
      async between() {
        return { entries: [{ sha: 'c0ffee', subject: 'BOARD-12 Keep cursor after reconnect', author: 'Ana', date: '2026-11-22', issueKeys: ['BOARD-12'] }], omitted: 0 };
      },
    };
    runner = new Runner({
      store,
      clock,
      service: () => service,
      workflows: { prerelease: createPrereleaseWorkflow({ fleet: fake.fleet, newErrors, changelog, removeTimeoutMs: 2 * MIN }) },
      retryDelayMs: () => 30_000,
    });
  });

  afterEach(async () => {
    await store.close();
  });

  async function request(): Promise<string> {
    const facts = initialPrereleaseFacts(image, 1, { version: '1.41.0', commit: 'beef' });
    await store.createDeploy(
      { id: 'pr-test1', service: 'board', kind: 'prerelease', version: '1.42.0', state: 'requested', actor: 'U0DEPLOYER', reason: null, facts: facts as unknown as Record<string, unknown>, wakeAt: clock.now(), at: clock.now() },
      { actor: 'U0DEPLOYER', action: 'prerelease_requested' },
    );
    return 'pr-test1';
  }

  async function deploy(): Promise<StoredDeploy & { facts: PrereleaseFacts }> {
    return (await store.getDeploy('pr-test1')) as StoredDeploy & { facts: PrereleaseFacts };
  }

  async function toSoaking() {
    await request();
    await runner.runDue();
    expect((await deploy()).state).toBe('registering');
    fake.run();
    clock.advance(5_000);
    await runner.runDue();
    expect((await deploy()).state).toBe('in_service');
    fake.healthAll('healthy');
    clock.advance(5_000);
    await runner.runDue();
    expect((await deploy()).state).toBe('soaking');
  }

  it('launches one canary, registers it, and soaks once every target group reports it healthy', async () => {
    await toSoaking();
    const d = await deploy();
    expect(d.facts.instanceIds).toHaveLength(1);
    expect(fake.count('launch')).toBe(1);
    expect(fake.count('register')).toBe(1);
    expect(d.facts.soakStartedAt).toBe(clock.now());
    const notes = (await store.pendingNotes(clock.now(), 100)).map((n) => n.note.type);
    expect(notes).toEqual([]);
  });

  it('posts each new Sentry issue once and rolls back by itself on a critical one', async () => {
    await toSoaking();
    issues = [newIssue('1', 'warning')];
    clock.advance(MIN);
    await runner.runDue();
    clock.advance(MIN);
    await runner.runDue();
    expect((await deploy()).facts.seenIssues).toHaveLength(1);
    issues = [newIssue('1', 'warning'), newIssue('2', 'fatal')];
    clock.advance(MIN);
    await runner.runDue();
    const d = await deploy();
    expect(d.state).toBe('rolling_back');
    expect(d.facts.decision?.kind).toBe('auto_rollback');
    await store.setSlackMessage(d.id, 'C0DEPLOYS1', '1.1');
    const posted = (await store.pendingNotes(clock.now(), 100)).map((n) => n.note);
    expect(posted.filter((n) => n.type === 'new_issue')).toHaveLength(2);
    clock.advance(5_000);
    await runner.runDue();
    clock.advance(5_000);
    await runner.runDue();
    const done = await deploy();
    expect(done.state).toBe('done');
    expect(done.outcome).toBe('rolled_back');
    expect(fake.count('deregister')).toBe(1);
    expect(fake.count('terminate')).toBe(1);
    expect([...fake.instances.values()].every((i) => i.state === 'terminated')).toBe(true);
  });

  it('waits for a human after a clean minimum soak when auto-approve is off, then records the approval', async () => {
    await toSoaking();
    for (let t = 0; t < 5 * 60; t++) {
      clock.advance(MIN);
      await runner.runDue();
    }
    expect((await deploy()).state).toBe('soaking');
    await store.addAction({ deployId: 'pr-test1', action: 'approve', actor: 'U0APPROVER', reason: null, at: clock.now() });
    await runner.runDue();
    const d = await deploy();
    expect(d.state).toBe('done');
    expect(d.outcome).toBe('approved');
    expect(d.facts.decision).toMatchObject({ kind: 'approved', by: 'U0APPROVER' });
    expect(fake.count('terminate')).toBe(0);
    const audit = await store.audit({ deployId: 'pr-test1' });
    expect(audit.map((a) => a.action)).toContain('approved');
  });

  it('never approves itself while Sentry cannot be read, and says so once in the thread', async () => {
    const auto = serviceWith({ prerelease: { autoApprove: true } });
    runner = new Runner({
      store,
      clock,
      service: () => auto,
      workflows: { prerelease: createPrereleaseWorkflow({ fleet: fake.fleet, newErrors: { newIssues: async () => { if (sentryFailure) throw sentryFailure; return []; } }, changelog: { between: async () => ({ entries: [], omitted: 0 }) } }) },
    });
    await toSoaking();
    sentryFailure = new DependencyError('sentry', 'Sentry answered 503');
    for (let t = 0; t < 5 * 60; t++) {
      clock.advance(MIN);
      await runner.runDue();
    }
    const d = await deploy();
    expect(d.state).toBe('soaking');
    expect(d.facts.sentry.ok).toBe(false);
    await store.setSlackMessage(d.id, 'C0DEPLOYS1', '1.1');
    const sentryNotes = (await store.pendingNotes(clock.now(), 500)).filter((n) => n.note.type === 'dependency');
    expect(sentryNotes).toHaveLength(1);
    sentryFailure = null;
    clock.advance(MIN);
    await runner.runDue();
    expect((await deploy()).outcome).toBe('approved');
  });

  it('backs off until Sentry says to come back after a 429', async () => {
    await toSoaking();
    sentryFailure = new DependencyError('sentry', 'rate limited', clock.now() + 10 * MIN);
    clock.advance(MIN);
    await runner.runDue();
    sentryFailure = null;
    const d = await deploy();
    expect(d.facts.sentryNextPollAt).toBe(clock.now() - MIN + 10 * MIN);
  });

  it('rolls back with the load balancer reason when the canary never becomes healthy', async () => {
    await request();
    await runner.runDue();
    fake.run();
    clock.advance(5_000);
    await runner.runDue();
    fake.healthAll('unhealthy');
    for (let t = 0; t < 30 * 12; t++) {
      clock.advance(5_000);
      await runner.runDue();
    }
    const d = await deploy();
    expect(d.outcome).toBe('failed');
    await store.setSlackMessage(d.id, 'C0DEPLOYS1', '1.1');
    const unhealthy = (await store.pendingNotes(clock.now(), 100)).find((n) => n.note.type === 'unhealthy');
    expect(JSON.stringify(unhealthy?.note)).toContain('Target.FailedHealthChecks');
    expect(fake.count('terminate')).toBe(1);
  });

  it('cleans up and fails clearly when EC2 has no capacity', async () => {
    fake.failLaunchWith(new DependencyError('aws', 'InsufficientInstanceCapacity: no t3.small in eu-west-1a; try another instance type or subnet', undefined, 'InsufficientInstanceCapacity'));
    await request();
    for (let t = 0; t < 5; t++) {
      await runner.runDue();
      clock.advance(5_000);
    }
    const d = await deploy();
    expect(d.state).toBe('done');
    expect(d.outcome).toBe('failed');
  });

  it('retries a failing step without changing state and names the dependency once', async () => {
    await request();
    await runner.runDue();
    const broken = fake.fleet.describe;
    fake.fleet.describe = async () => {
      throw new DependencyError('aws', 'RequestLimitExceeded on DescribeInstances');
    };
    clock.advance(5_000);
    await runner.runDue();
    clock.advance(31_000);
    await runner.runDue();
    expect((await deploy()).state).toBe('registering');
    fake.fleet.describe = broken;
    fake.run();
    clock.advance(31_000);
    await runner.runDue();
    expect((await deploy()).state).toBe('in_service');
    await store.setSlackMessage('pr-test1', 'C0DEPLOYS1', '1.1');
    const deps = (await store.pendingNotes(clock.now(), 100)).filter((n) => n.note.type === 'dependency');
    expect(deps).toHaveLength(1);
  });

  it('is rejected by a user while soaking and removes the canary', async () => {
    await toSoaking();
    await store.addAction({ deployId: 'pr-test1', action: 'reject', actor: 'U0APPROVER', reason: null, at: clock.now() });
    await runner.runDue();
    clock.advance(5_000);
    await runner.runDue();
    const d = await deploy();
    expect(d.outcome).toBe('rejected');
    expect(fake.count('terminate')).toBe(1);
  });

  it('does not launch twice when a step is re-run after a crash before its commit', async () => {
    await request();
    await fake.fleet.launch({ service, image, count: 1, deployId: 'pr-test1', step: 'canary', role: 'canary' });
    await runner.runDue();
    expect(fake.instances.size).toBe(1);
    expect((await deploy()).facts.instanceIds).toHaveLength(1);
  });
});
