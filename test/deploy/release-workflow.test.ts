import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { TAG, type BoardCounts, type DrainHook, type Instance, type TicketRelease, type Tickets } from '../../src/deploy/ports.js';
import { createPrereleaseWorkflow } from '../../src/deploy/prerelease/workflow.js';
import type { ReleaseFacts } from '../../src/deploy/release/facts.js';
import { DROP_PERSISTS_MS } from '../../src/deploy/release/drain-phase.js';
import { planRelease } from '../../src/deploy/release/request.js';
import { retryJira } from '../../src/deploy/release/jira-retry.js';
import { createReleaseWorkflow } from '../../src/deploy/release/workflow.js';
import { Runner } from '../../src/deploy/runner.js';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { openStore } from '../../src/store/open-store.js';
import { exampleService } from '../support/catalog.js';
import { createFakeFleet } from '../support/fake-fleet.js';
import { manualClock } from '../support/manual-clock.js';

const SECOND = 1000;
/** Facts of a release paused mid rollback drain, written by the bot before the drain was one phase (1143c3a). */
const factsWrittenBefore = (): Record<string, unknown> & { pause: unknown } => JSON.parse(readFileSync(new URL('./fixtures/release-paused-in-rollback-drain.v0.json', import.meta.url), 'utf8'));
const images = [
  { imageId: 'ami-old', name: 'board-1.0.0', version: '1.0.0', state: 'available', createdAt: '2026-11-20T00:00:00Z', commit: 'aaa' },
  { imageId: 'ami-new', name: 'board-1.1.0', version: '1.1.0', state: 'available', createdAt: '2026-11-22T00:00:00Z', commit: 'bbb' },
];

/**
 * A small simulated world: users on each server; a hooked server's users move to the least
 * loaded new server over the next reads; new registered servers slowly gain fresh users.
 */
function boardWorld(fleetFake: ReturnType<typeof createFakeFleet>, version: string) {
  const boards = new Map<string, number>();
  const unknown = new Map<string, string>();
  const hooked = new Set<string>();
  const hookFailures = new Map<string, number>();
  let maxOnNewServer = 0;
  const isNew = (id: string) => fleetFake.instances.get(id)?.tags[TAG.version] === version && fleetFake.instances.get(id)?.state === 'running';

  function moveUsers() {
    const targets = [...fleetFake.instances.values()].filter((i) => isNew(i.instanceId)).map((i) => i.instanceId);
    if (targets.length === 0) return;
    for (const id of hooked) {
      let left = boards.get(id) ?? 0;
      const batch = Math.min(left, 40);
      for (let n = 0; n < batch; n++) {
        const target = targets.reduce((a, b) => ((boards.get(a) ?? 0) <= (boards.get(b) ?? 0) ? a : b));
        boards.set(target, (boards.get(target) ?? 0) + 1);
      }
      left -= batch;
      boards.set(id, left);
    }
    for (const t of targets) maxOnNewServer = Math.max(maxOnNewServer, boards.get(t) ?? 0);
  }

  const counts: BoardCounts = {
    async read(_service, instances) {
      moveUsers();
      for (const i of instances) if (isNew(i.instanceId) && !hooked.has(i.instanceId) && (boards.get(i.instanceId) ?? 0) < 3) boards.set(i.instanceId, (boards.get(i.instanceId) ?? 0) + 1);
      return instances.map((i) => (unknown.has(i.instanceId) ? { instanceId: i.instanceId, boards: null, unknown: unknown.get(i.instanceId) as string } : { instanceId: i.instanceId, boards: boards.get(i.instanceId) ?? 0 }));
    },
  };
  const hook: DrainHook = {
    async drain(_service, instance) {
      const failures = hookFailures.get(instance.instanceId) ?? 0;
      if (failures > 0) {
        hookFailures.set(instance.instanceId, failures - 1);
        throw new Error(`drain hook of ${instance.instanceId} answered 500`);
      }
      hooked.add(instance.instanceId);
    },
  };
  return { boards, unknown, hooked, counts, hook, hookFailures, maxOnNewServer: () => maxOnNewServer };
}

describe('release workflow (runner, sqlite store, fake ports, fake clock)', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let clock: ReturnType<typeof manualClock>;
  let fake: ReturnType<typeof createFakeFleet>;
  let world: ReturnType<typeof boardWorld>;
  let runner: Runner;
  let old: Instance[];
  let jira: { closed: string[]; releases: TicketRelease[]; fail: Error | null };
  let tickets: Tickets;
  let service: ServiceConfig;

  function makeService(patch: (yaml: string) => string = (y) => y): ServiceConfig {
    return exampleService((yaml) =>
      patch(
        yaml
          .replace('keepWarm: 30m', 'keepWarm: 0s')
          .replace('gate: { minBoards: 1, timeout: 10m, observe: 30s }', 'gate: { minBoards: 2, timeout: 2m, observe: 5s }')
          .replace(/ {4}windows:\n( {6}.*\n)+/, ''),
      ),
    );
  }

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
    clock = manualClock();
    fake = createFakeFleet(images);
    fake.setDeregistrationDelay(3600_000);
    old = [1, 2, 3, 4].map(() => fake.seedServing('1.0.0', 'fleet', { service: 'board', role: 'fleet' }));
    world = boardWorld(fake, '1.1.0');
    for (const o of old) world.boards.set(o.instanceId, 120);
    jira = { closed: [], releases: [], fail: null };
    service = makeService();
    build();
  });

  function build() {
    tickets = {
      async close(_s, keys, ticketRelease) {
        jira.releases.push(ticketRelease);
        if (jira.fail) throw jira.fail;
        jira.closed.push(...keys);
        return keys.map((key) => ({ key, transitioned: true, commented: true, problem: null }));
      },
      async releaseVersion(_s, version) {
        return `board-${version}`;
      },
    };
    const changelog = { between: async () => ({ entries: [{ sha: 'bbb', subject: 'BOARD-7 faster boards', author: 'Ana', date: '2026-11-22', issueKeys: ['BOARD-7'] }], omitted: 0 }) };
    runner = new Runner({
      store,
      clock,
      service: () => service,
      workflows: {
        release: createReleaseWorkflow({ fleet: fake.fleet, boards: world.counts, drainHook: world.hook, tickets, changelog }),
        prerelease: createPrereleaseWorkflow({ fleet: fake.fleet, newErrors: { newIssues: async () => [] }, changelog }),
      },
      retryDelayMs: () => 5 * SECOND,
    });
  }

  afterEach(async () => {
    await store.close();
  });

  async function plan(reason = 'weekly release without canary'): Promise<string> {
    const deps = {
      services: { board: service },
      fleet: fake.fleet,
      directory: { membersOf: async () => ['U0REL'] },
      store,
      changelog: { between: async () => ({ entries: [], omitted: 0 }) },
      configured: { prometheus: true },
    };
    const proposal = await planRelease(deps, { service: 'board', version: '1.1.0', reason, overrideWindow: false }, 'U0REL', clock.now());
    if (!proposal.ok) throw new Error(proposal.problem);
    await store.acquireLock({ service: 'board', deployId: 'rl-test1', holder: 'U0REL', reason: 'release', since: clock.now() });
    await store.createDeploy(
      { id: 'rl-test1', service: 'board', kind: 'release', version: '1.1.0', state: 'planned', actor: 'U0REL', reason, facts: proposal.facts as unknown as Record<string, unknown>, wakeAt: null, at: clock.now() },
      { actor: 'U0REL', action: 'release_planned' },
    );
    await store.addAction({ deployId: 'rl-test1', action: 'start', actor: 'U0REL', reason: null, at: clock.now() });
    return 'rl-test1';
  }

  const release = async () => (await store.getDeploy('rl-test1')) as StoredDeploy & { facts: ReleaseFacts };

  async function tick(times: number, until?: (d: StoredDeploy & { facts: ReleaseFacts }) => boolean) {
    for (let t = 0; t < times; t++) {
      fake.run();
      fake.healthAll('healthy');
      clock.advance(SECOND);
      await runner.runDue();
      const d = await release();
      if (until?.(d)) return d;
      // Safety rule 2 at every step: a server holding boards is never terminated.
      for (const i of fake.instances.values()) if (i.state === 'terminated' && !world.unknown.has(i.instanceId)) expect(world.boards.get(i.instanceId) ?? 0).toBe(0);
    }
    return release();
  }

  const noteTypes = async () => {
    await store.setSlackMessage('rl-test1', 'C0DEPLOYS1', '1.1');
    return (await store.pendingNotes(clock.now() + 1, 1000)).map((n) => n.note);
  };

  it('swaps the whole fleet in waves under capacity, retires only drained servers, announces and closes Jira', async () => {
    await plan();
    const done = await tick(600, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('released');
    expect(fake.count('launch')).toBe(1);
    const fresh = [...fake.instances.values()].filter((i) => i.tags[TAG.version] === '1.1.0');
    expect(fresh).toHaveLength(4);
    expect(fresh.every((i) => i.state === 'running')).toBe(true);
    expect(old.every((o) => fake.instances.get(o.instanceId)?.state === 'terminated')).toBe(true);
    expect(world.maxOnNewServer()).toBeLessThanOrEqual(service.drain!.capacity);
    expect(done.facts.drain.wave).toBeGreaterThanOrEqual(2);
    expect(jira.closed).toEqual(['BOARD-7']);
    expect(jira.releases).toEqual([{ id: 'rl-test1', version: '1.1.0' }]);
    const notes = await noteTypes();
    expect(notes.map((n) => n.type)).toEqual(expect.arrayContaining(['release_started', 'gate', 'closed', 'wave', 'drained', 'retired', 'announce', 'jira', 'released']));
    expect(await store.getLock('board')).toBeNull();
  });

  it('pauses and terminates nothing when a server\'s board count becomes unknown, then retires it after "Terminate anyway"', async () => {
    await plan();
    await tick(600, (d) => d.state === 'draining');
    const victim = old[3].instanceId;
    world.unknown.set(victim, 'scrape of 10.0.1.5:9100 failing (up == 0)');
    const paused = await tick(30, (d) => d.state === 'paused');
    expect(paused.facts.pause).toMatchObject({ kind: 'unknown', instanceIds: [victim] });
    await tick(20);
    expect(fake.instances.get(victim)?.state).toBe('running');
    await store.addAction({ deployId: 'rl-test1', action: 'force', actor: 'U0REL', reason: 'host is dead, checked console', at: clock.now() });
    // The dead server's users reconnect through the load balancer to a new server.
    const rescuer = [...fake.instances.values()].find((i) => i.tags[TAG.version] === '1.1.0')!.instanceId;
    world.boards.set(rescuer, (world.boards.get(rescuer) ?? 0) + (world.boards.get(victim) ?? 0));
    world.boards.set(victim, 0);
    const done = await tick(600, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('released');
    expect(done.facts.drain.forced).toEqual([{ instanceId: victim, by: 'U0REL', reason: 'host is dead, checked console' }]);
    const audit = await store.audit({ deployId: 'rl-test1' });
    expect(audit.find((a) => a.action === 'terminate_anyway')).toMatchObject({ actor: 'U0REL', reason: 'host is dead, checked console' });
  });

  it('sends a failed drain hook once more, then asks', async () => {
    await plan();
    await tick(600, (d) => d.state === 'draining');
    for (const o of old) world.hookFailures.set(o.instanceId, 5);
    const paused = await tick(200, (d) => d.state === 'paused');
    expect(paused.facts.pause?.kind).toBe('stuck');
    expect(old.every((o) => fake.instances.get(o.instanceId)?.state === 'running')).toBe(true);
  });

  it('rolls back by itself when the new servers take no users within the gate', async () => {
    service = makeService((y) => y.replace('gate: { minBoards: 2, timeout: 2m, observe: 5s }', 'gate: { minBoards: 100000, timeout: 20s, observe: 5s }'));
    await plan();
    const done = await tick(200, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('rolled_back');
    expect(old.every((o) => fake.instances.get(o.instanceId)?.state === 'running')).toBe(true);
    expect([...fake.instances.values()].filter((i) => i.tags[TAG.version] === '1.1.0').every((i) => i.state === 'terminated')).toBe(true);
    expect(fake.calls.filter((c) => c.method === 'deregister').flatMap((c) => c.args[0] as string[])).not.toContain(old[0].instanceId);
  });

  /**
   * Presses Rollback in the middle of the drain. From then on the world moves the users of a
   * hooked new server back to the old ones; `onHook` replaces what the drain hook does. Returns
   * the world that answers the board reads from then on.
   */
  async function rollBackMidDrain(onHook: (instanceId: string) => void = (id) => void world.hooked.add(id)) {
    await plan();
    await tick(600, (d) => d.state === 'draining' && d.facts.drain.wave >= 1);
    await store.addAction({ deployId: 'rl-test1', action: 'rollback', actor: 'U0REL', reason: 'latency up', at: clock.now() });
    const moveBack = boardWorld(fake, '1.0.0');
    world.hooked.clear();
    Object.assign(world.counts, { read: async (s: ServiceConfig, i: { instanceId: string }[]) => {
      for (const [id, n] of world.boards) moveBack.boards.set(id, n);
      for (const id of world.hooked) moveBack.hooked.add(id);
      const reads = await moveBack.counts.read(s, i);
      for (const [id, n] of moveBack.boards) world.boards.set(id, n);
      return reads;
    } });
    Object.assign(world.hook, { drain: async (_s: ServiceConfig, i: { instanceId: string }) => onHook(i.instanceId) });
    return moveBack;
  }

  const newServers = () => [...fake.instances.values()].filter((i) => i.tags[TAG.version] === '1.1.0').map((i) => i.instanceId);
  const questions = async () => (await noteTypes()).filter((n) => n.type === 'question');

  it('moves users back onto the warm old servers on Rollback during the drain', async () => {
    await rollBackMidDrain();
    const done = await tick(800, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('rolled_back');
    expect(old.every((o) => fake.instances.get(o.instanceId)?.state === 'running')).toBe(true);
    expect(fake.calls.filter((c) => c.method === 'register').flatMap((c) => c.args[0] as string[])).toEqual(expect.arrayContaining(old.map((o) => o.instanceId)));
    const fresh = [...fake.instances.values()].filter((i) => i.tags[TAG.version] === '1.1.0');
    expect(fresh.every((i) => i.state === 'terminated')).toBe(true);
    expect(jira.closed).toEqual([]);
  });

  it('after Wait on an unknown count during a rollback drain, asks again only once the quiet period is over', async () => {
    service = makeService((y) => y.replace('serverTimeout: 10m', 'serverTimeout: 2m'));
    const moveBack = await rollBackMidDrain();
    const victim = newServers()[0];
    moveBack.unknown.set(victim, 'scrape of 10.0.0.6:9100 failing (up == 0)');
    const asked = await tick(200, (d) => d.state === 'paused');
    expect(asked).toMatchObject({ state: 'paused', facts: { pausedFrom: 'rolling_back', pause: { kind: 'unknown', instanceIds: [victim] } } });

    await store.addAction({ deployId: 'rl-test1', action: 'wait', actor: 'U0REL', reason: 'exporter restarting', at: clock.now() });
    const quiet = await tick(110, (d) => d.state === 'paused');
    expect(quiet.state).toBe('rolling_back');
    expect(await questions()).toHaveLength(1);
    expect(fake.instances.get(victim)?.state).toBe('running');

    const again = await tick(30, (d) => d.state === 'paused');
    expect(again).toMatchObject({ state: 'paused', facts: { pausedFrom: 'rolling_back', pause: { kind: 'unknown', instanceIds: [victim] } } });
  });

  it('pauses a rollback drain with a drop question when the total of boards stays down for DROP_PERSISTS_MS', async () => {
    // The hook reaches the new servers but nobody moves: the drain stays open while boards vanish.
    const told = new Set<string>();
    await rollBackMidDrain((id) => void told.add(id));
    await tick(200, () => told.size > 0);
    for (const [id, n] of world.boards) world.boards.set(id, Math.floor(n / 2));

    const early = await tick(DROP_PERSISTS_MS / SECOND - 5, (d) => d.state === 'paused');
    expect(early.state).toBe('rolling_back');
    const dropped = await tick(15, (d) => d.state === 'paused');
    expect(dropped).toMatchObject({ state: 'paused', facts: { pausedFrom: 'rolling_back', pause: { kind: 'drop', reason: expect.stringContaining('boards fell') } } });
    expect(newServers().every((id) => fake.instances.get(id)?.state === 'running')).toBe(true);
  });

  it('resumes a release that an earlier bot paused mid rollback drain, from the facts that bot stored', async () => {
    // The same world and moves as when the fixture was written, so the servers match its facts.
    const moveBack = await rollBackMidDrain();
    await tick(200, () => world.hooked.size > 0);
    await tick(3);
    const victim = [...world.hooked][0];
    moveBack.unknown.set(victim, 'scrape of 10.0.0.6:9100 failing (up == 0)');
    const paused = await tick(200, (d) => d.state === 'paused');
    const stored = factsWrittenBefore();
    expect(paused.facts.pause).toEqual(stored.pause);
    await store.commitStep({
      deployId: 'rl-test1',
      expectedRevision: paused.revision,
      fromState: 'paused',
      toState: 'paused',
      facts: stored,
      wakeAt: null,
      outcome: null,
      finishedAt: null,
      startedAt: clock.now(),
      at: clock.now(),
      summary: 'the row as the earlier bot left it',
      audit: [],
      consumedActionIds: [],
      notes: [],
    });

    await store.addAction({ deployId: 'rl-test1', action: 'wait', actor: 'U0REL', reason: 'exporter restarting', at: clock.now() });
    const waiting = await tick(1);
    expect(waiting.facts.rollback?.drain).toMatchObject({ baselineTotal: 492, wave: 1, quietUntil: clock.now() + service.drain!.serverTimeout });
    moveBack.unknown.delete(victim);
    const done = await tick(800, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('rolled_back');
    expect(old.every((o) => fake.instances.get(o.instanceId)?.state === 'running')).toBe(true);
    expect(newServers().every((id) => fake.instances.get(id)?.state === 'terminated')).toBe(true);
  });

  it('pauses on a user\'s Pause and goes on after Resume', async () => {
    await plan();
    await tick(600, (d) => d.state === 'gating');
    await store.addAction({ deployId: 'rl-test1', action: 'pause', actor: 'U0REL', reason: null, at: clock.now() });
    const paused = await tick(5, (d) => d.state === 'paused');
    expect(paused.facts.pausedFrom).toBe('gating');
    await tick(30);
    expect((await release()).state).toBe('paused');
    await store.addAction({ deployId: 'rl-test1', action: 'resume', actor: 'U0REL', reason: null, at: clock.now() });
    const done = await tick(600, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('released');
  });

  it('completes the release when Jira fails and reports what could not be closed', async () => {
    jira.fail = new Error('Jira answered 503');
    await plan();
    const done = await tick(600, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('released');
    expect(done.facts.jira.problem).toContain('503');
    const note = (await noteTypes()).find((n) => n.type === 'jira');
    expect(note).toMatchObject({ problem: 'Jira answered 503' });
  });

  it('names the same release to Jira on Retry Jira as on the release\'s own attempt, so Jira can tell what that attempt did', async () => {
    jira.fail = new Error('Jira answered 503');
    await plan();
    await tick(600, (d) => d.finishedAt !== null);
    jira.fail = null;

    await retryJira({ store, tickets, now: () => clock.now() }, await release(), service, 'U0REL');

    expect(jira.releases).toEqual([
      { id: 'rl-test1', version: '1.1.0' },
      { id: 'rl-test1', version: '1.1.0' },
    ]);
    expect(jira.closed).toEqual(['BOARD-7']);
    expect((await release()).facts.jira).toMatchObject({ problem: null, results: [{ key: 'BOARD-7', transitioned: true, commented: true, problem: null }] });
  });

  it('adopts a canary of the released version instead of launching its replacement', async () => {
    const canary = fake.seedServing('1.1.0', 'canary');
    world.boards.set(canary.instanceId, 5);
    await plan();
    const done = await tick(600, (d) => d.finishedAt !== null);
    expect(done.outcome).toBe('released');
    expect(fake.calls.find((c) => c.method === 'launch')?.args[2]).toBe(3);
    expect(fake.instances.get(canary.instanceId)?.tags[TAG.role]).toBe('fleet');
    expect(fake.instances.get(canary.instanceId)?.state).toBe('running');
  });
});
