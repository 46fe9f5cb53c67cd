import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { openStore } from '../../src/store/open-store.js';
import { fastRelease, fastSoak, startWorld, USERS, waitFor, type BotProcess, type World } from '../support/world.js';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
const LEASE_MS = 2_000;
const LEASE = { LEADER_LEASE: `${LEASE_MS / 1000}s` };

async function roles(bots: BotProcess[]): Promise<{ leader: BotProcess; standby: BotProcess }> {
  const health = await Promise.all(bots.map((b) => b.health()));
  const leader = bots[health.findIndex((h) => h?.role === 'leader')];
  const standby = bots[health.findIndex((h) => h?.role === 'standby')];
  if (!leader || !standby) throw new Error(`expected one leader and one standby, got ${JSON.stringify(health)}`);
  return { leader, standby };
}

/** How long after `since` the standby said it leads. */
async function takeoverMs(standby: BotProcess, since: number): Promise<number> {
  await waitFor(async () => (await standby.health())?.role === 'leader', 15_000, `${standby.name} to take over`);
  return Date.now() - since;
}

describe('a standby takes over from a leader that dies or stops', () => {
  let world: World;

  afterEach(async () => {
    await world.close();
  });

  /** Both processes on the world's database, with a short lease; the requests go to the standby, the leader runs them. */
  async function twoProcesses() {
    return roles(await Promise.all(['one', 'two'].map((name) => world.startProcess(name, LEASE))));
  }

  it('SIGKILL of the leader mid-soak: the standby takes over within the lease, launches nothing again and keeps editing the same parent', async () => {
    // A soak long enough to kill the leader in the middle of it.
    world = await startWorld({ catalog: (yaml) => fastSoak(yaml).replace('minSoak: 3s', 'minSoak: 1h') });
    const { leader, standby } = await twoProcesses();
    await world.command(USERS.deployer, 'board 1.1.0', '/prerelease', standby);
    const parent = await waitFor(() => world.parents().find((p) => text(p).includes(PRERELEASE_ACTIONS.approve)), 30_000, 'the canary to soak');
    const launches = world.emulator.requests.calls('RunInstances').length;

    const killedAt = Date.now();
    await leader.kill();
    const updatesAtKill = world.slack.workspace.calls('chat.update').length;
    world.sentry.addIssue({ title: 'RangeError: board too large', firstRelease: '1.1.0', environment: 'production', level: 'warning' });
    const took = await takeoverMs(standby, killedAt);
    // Not before the dead leader's lease could have run out (it renews every third of it), and within it.
    expect(took).toBeGreaterThan(LEASE_MS / 2);
    expect(took).toBeLessThan(LEASE_MS + 500);

    await waitFor(() => world.thread(parent).some((m) => text(m).includes('RangeError: board too large')), 20_000, 'the new leader to post the issue');
    await waitFor(() => world.slack.workspace.calls('chat.update').length > updatesAtKill, 10_000, 'the new leader to edit the parent');
    expect(world.parents().map((p) => p.ts)).toEqual([parent.ts]);
    expect(world.slack.workspace.calls('chat.update').slice(updatesAtKill).every((c) => c.args.ts === parent.ts)).toBe(true);
    expect(world.emulator.requests.calls('RunInstances').length).toBe(launches);
    expect(world.emulator.requests.calls('TerminateInstances')).toHaveLength(0);
    expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.role] === 'canary').map((i) => i.state)).toEqual(['running']);
    expect(world.thread(parent).filter((m) => text(m).includes('RangeError: board too large'))).toHaveLength(1);
  });

  it('SIGKILL of the leader mid-drain: the standby takes over within the lease and finishes the release; nothing launched twice, nothing terminated early', async () => {
    // Big servers and slow reconnects: each old server is its own wave and takes a while.
    world = await startWorld({ catalog: fastRelease, boards: { initialBoards: 200, movePerTick: 4 } });
    const oldFleet = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.version] === '1.0.0').map((i) => i.instanceId);
    const { leader, standby } = await twoProcesses();
    await world.command(USERS.approver, 'board 1.1.0 --reason takeover drill', '/release', standby);
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 30_000, 'the plan');
    await world.click(USERS.approver, plan, RELEASE_ACTIONS.start, standby);
    await waitFor(() => world.thread(plan).some((m) => /wave 1/i.test(m.text)), 60_000, 'the first wave');

    const killedAt = Date.now();
    await leader.kill();
    const launches = world.emulator.requests.calls('RunInstances').length;
    const updatesAtKill = world.slack.workspace.calls('chat.update').length;
    expect(world.emulator.state.ec2.instances().filter((i) => oldFleet.includes(i.instanceId) && i.state !== 'running')).toHaveLength(0);
    const took = await takeoverMs(standby, killedAt);
    expect(took).toBeGreaterThan(LEASE_MS / 2);
    expect(took).toBeLessThan(LEASE_MS + 500);

    await waitFor(() => world.parents().some((p) => p.ts === plan.ts && /released/i.test(p.text)), 120_000, 'the new leader to finish the release');
    expect(world.emulator.requests.calls('RunInstances').length).toBe(launches);
    expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.version] === '1.1.0')).toHaveLength(oldFleet.length);
    // A server terminated while it still held boards would have lost them.
    expect(world.sim!.lost.boards).toBe(0);
    expect(world.parents().map((p) => p.ts)).toEqual([plan.ts]);
    const edits = world.slack.workspace.calls('chat.update').slice(updatesAtKill);
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((c) => c.args.ts === plan.ts)).toBe(true);
  });

  it('a rolling restart (a new process starts, then the old one gets SIGTERM) during a release loses no step', async () => {
    world = await startWorld({ catalog: fastRelease, boards: { initialBoards: 200, movePerTick: 4 } });
    const old = await world.startProcess('old', LEASE);
    expect((await old.health())?.role).toBe('leader');
    await world.command(USERS.approver, 'board 1.1.0 --reason rolling restart drill', '/release', old);
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 30_000, 'the plan');
    await world.click(USERS.approver, plan, RELEASE_ACTIONS.start, old);

    const replacement = await world.startProcess('new', LEASE);
    expect((await replacement.health())?.role).toBe('standby');
    const store = await openStore({ file: join(world.env.DATA_DIR, 'release-bot.sqlite') });
    const [started] = await store.listDeploys({ kind: 'release' });
    expect(started.finishedAt).toBeNull();
    const stoppedAt = Date.now();
    expect(await old.terminate()).toBe(0);
    // The old one gave its lease up on the way out: no wait for it to expire.
    expect(await takeoverMs(replacement, stoppedAt)).toBeLessThan(LEASE_MS);

    await waitFor(() => world.parents().some((p) => p.ts === plan.ts && /released/i.test(p.text)), 120_000, 'the release to finish after the restart');
    expect(world.parents().map((p) => p.ts)).toEqual([plan.ts]);
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(1);
    expect(world.sim!.lost.boards).toBe(0);

    const release = (await store.getDeploy(started.id))!;
    const steps = await store.steps(release.id);
    await store.close();
    expect(steps.filter((s) => s.startedAt > stoppedAt).length).toBeGreaterThan(0);
    // Each step begins where the one before ended, and the release passed every state once, in order.
    expect(steps.slice(1).every((s, i) => s.fromState === steps[i].toState)).toBe(true);
    const states = [steps[0].fromState, ...steps.map((s) => s.toState)].filter((s, i, all) => s !== all[i - 1]);
    expect(states).toEqual(['planned', 'launching', 'registering', 'gating', 'closing', 'draining', 'retiring', 'announcing', 'done']);
    expect(release.outcome).toBe('released');
  });
});
