import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PRERELEASE_STATES } from '../../src/deploy/prerelease/facts.js';
import { TAG } from '../../src/deploy/ports.js';
import { RELEASE_STATES, type ReleaseFacts } from '../../src/deploy/release/facts.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import type { FakeMessage } from '../../src/sandbox/slack/workspace.js';
import { openStore } from '../../src/store/open-store.js';
import { installCrashSwitch, type CrashPoint, type WorldCall } from '../support/crash-switch.js';
import { DEPLOY_CHANNEL, fastRelease, fastSoak, startWorld, USERS, waitFor, type World } from '../support/world.js';

const RELEASE_CHANNEL = 'C0RELEASE1';
const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

const aws = (action: string, applied: boolean) => (call: WorldCall) => call.system === 'aws' && call.action === action && call.applied === applied;
const parentPosted = (call: WorldCall) => call.system === 'slack' && call.message.channel === DEPLOY_CHANNEL && call.message.thread_ts === undefined;
const threadNote = (pattern: RegExp) => (call: WorldCall) => call.system === 'slack' && call.message.thread_ts !== undefined && call.message.ts !== call.message.thread_ts && pattern.test(call.message.text);
const boardCount = (call: WorldCall) => call.system === 'prometheus' && call.query.includes('rtb_spaces_count');
const sentryPoll = (call: WorldCall) => call.system === 'sentry' && call.url.includes('/issues/');
const jira = (method: string, path: RegExp) => (call: WorldCall) => call.system === 'jira' && call.method === method && path.test(call.path);

/** A crash point and what a person does in Slack before the bot gets there. */
interface Stage extends CrashPoint {
  before?: (world: World) => Promise<void>;
}

const PRERELEASE_APPROVED: Stage[] = [
  { step: 'requested', at: 'before the canary launch reaches EC2', on: aws('RunInstances', false) },
  { step: 'launching', at: 'after EC2 launched the canary, before the bot hears back', on: aws('RunInstances', true) },
  { step: 'registering', at: 'after the canary joined the first target group', on: aws('RegisterTargets', true) },
  { step: 'in_service', at: 'on the first read of the canary’s target health', on: aws('DescribeTargetHealth', true) },
  { step: 'soaking', at: 'in the middle of the soak, on the third Sentry poll', on: sentryPoll, nth: 3 },
  {
    step: 'approved',
    at: 'as the approval reaches the thread',
    on: threadNote(/Approved/),
    before: async (world) => void (await world.click(USERS.approver, await soakingParent(world), PRERELEASE_ACTIONS.approve)),
  },
];

const PRERELEASE_REJECTED: Stage[] = [
  { step: 'requested', at: 'as the parent message reaches Slack, before the bot hears its ts', on: parentPosted },
  {
    step: 'rolling_back',
    at: 'after the rejected canary left the first target group',
    on: aws('DeregisterTargets', true),
    before: async (world) => void (await world.click(USERS.approver, await soakingParent(world), PRERELEASE_ACTIONS.reject)),
  },
  { step: 'rolling_back', at: 'after EC2 accepted the canary’s termination, before the bot hears back', on: aws('TerminateInstances', true) },
];

/** A drain hook sent to a server of this role for the first time: the start of its wave. */
const firstHook = (role: string) => (call: WorldCall, world: World) =>
  call.system === 'drain-hook' &&
  world.emulator.state.ec2.instances().some((i) => i.instanceId === call.instanceId && i.tags[TAG.role] === role) &&
  world.sim!.hookCalls.filter((h) => h.instanceId === call.instanceId).length === 1;

const RELEASED: Stage[] = [
  { step: 'planned', at: 'as the plan reaches Slack, before the bot hears its ts', on: parentPosted },
  { step: 'planned', at: 'after Start, before the launch reaches EC2', on: aws('RunInstances', false), before: async (world) => void (await world.click(USERS.approver, await planParent(world), RELEASE_ACTIONS.start)) },
  { step: 'launching', at: 'after EC2 launched the new fleet, before the bot hears back', on: aws('RunInstances', true) },
  { step: 'registering', at: 'after the new servers joined the first target group', on: aws('RegisterTargets', true) },
  { step: 'gating', at: 'in the middle of the gate, on a board count of the new servers', on: boardCount, nth: 2 },
  { step: 'closing', at: 'after the old servers left the first target group', on: aws('DeregisterTargets', true) },
  { step: 'draining', at: 'as the drain hook of wave 1 reaches its server', on: firstHook('fleet') },
  // The first count after the restart re-sends the hook and commits wave 1; the second is mid-wave,
  // before its server can be confirmed drained (two low reads in a row).
  { step: 'draining', at: 'in the middle of wave 1, on its second board count', on: boardCount, nth: 2 },
  { step: 'draining', at: 'as the drain hook of wave 2 reaches its server', on: firstHook('fleet') },
  { step: 'retiring', at: 'after EC2 accepted the termination of the old servers, before the bot hears back', on: aws('TerminateInstances', true) },
  { step: 'announcing', at: 'in the middle of closing the Jira issues, after the first one', on: jira('GET', /\/issue\/[^/?]+(\?|$)/), nth: 2 },
  // After the restart the first issue is done already, so the first transitions listed are the second issue's.
  { step: 'announcing', at: 'after commenting on the second Jira issue, before moving it', on: jira('GET', /\/transitions(\?|$)/) },
  { step: 'announcing', at: 'as the announcement reaches the release channel', on: (call) => call.system === 'slack' && call.message.channel === RELEASE_CHANNEL },
];

const ROLLED_BACK: Stage[] = [
  {
    step: 'paused',
    at: 'as the pause reaches the thread',
    on: threadNote(/paused the release/),
    before: async (world) => {
      const plan = await planParent(world);
      await world.click(USERS.approver, plan, RELEASE_ACTIONS.start);
      await waitFor(() => world.thread(plan).some((m) => /Wave 1/.test(m.text)), 60_000, 'the first wave');
      await world.click(USERS.approver, latest(world, plan), RELEASE_ACTIONS.pause);
    },
  },
  {
    step: 'rolling_back',
    at: 'after the old servers joined the first target group again',
    on: aws('RegisterTargets', true),
    before: async (world) => {
      const plan = await planParent(world);
      await waitFor(() => text(latest(world, plan)).includes(RELEASE_ACTIONS.rollback), 30_000, 'the Rollback button');
      await world.click(USERS.approver, latest(world, plan), RELEASE_ACTIONS.rollback);
    },
  },
  { step: 'rolling_back', at: 'after the new servers left the first target group', on: aws('DeregisterTargets', true) },
  { step: 'rolling_back', at: 'as the drain hook reaches a new server', on: firstHook('fleet') },
  { step: 'rolling_back', at: 'after EC2 accepted the termination of the new servers, before the bot hears back', on: aws('TerminateInstances', true) },
];

function latest(world: World, parent: FakeMessage): FakeMessage {
  return world.parents().find((p) => p.ts === parent.ts) as FakeMessage;
}

function soakingParent(world: World): Promise<FakeMessage> {
  return waitFor(() => world.parents().find((p) => text(p).includes(PRERELEASE_ACTIONS.approve)), 30_000, 'the canary to soak');
}

function planParent(world: World): Promise<FakeMessage> {
  return waitFor(() => world.parents()[0], 30_000, 'the release plan');
}

/**
 * Kills the bot at each point in turn and starts it again. Returns how many crashes it survived
 * and how many parent edits Slack had seen at the first crash.
 */
async function crashAtEach(world: World, stages: Stage[]): Promise<{ survived: number; updatesAtFirstCrash: number }> {
  const crashes = installCrashSwitch(world);
  let survived = 0;
  let updatesAtFirstCrash = 0;
  for (const stage of stages) {
    // Armed before the restart: a bot resuming its deploy may make the call before it answers /healthz.
    const crashed = crashes.arm(stage);
    if (survived > 0) await world.startChild();
    await stage.before?.(world);
    await within(crashed, 90_000, `the crash ${stage.at} (${stage.step})`);
    if (survived === 0) updatesAtFirstCrash = world.slack.workspace.calls('chat.update').length;
    await world.killChild();
    survived++;
  }
  await world.startChild();
  return { survived, updatesAtFirstCrash };
}

/** Survives every crash of the list, then waits for the deploy to finish. */
async function survive(world: World, stages: Stage[]) {
  const { survived, updatesAtFirstCrash } = await crashAtEach(world, stages);
  expect(survived).toBe(stages.length);
  return { trail: await finished(world), updatesAtFirstCrash };
}

async function within(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the bot's database while the bot runs, as a second process would. */
async function withStore<T>(world: World, read: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ file: join(world.env.DATA_DIR, 'release-bot.sqlite') });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

function readTrail(world: World) {
  return withStore(world, async (store) => {
    const [deploy] = await store.listDeploys({ service: 'board' });
    return { deploy, steps: await store.steps(deploy.id), audit: (await store.audit({ deployId: deploy.id })).reverse() };
  });
}

async function finished(world: World) {
  try {
    await waitFor(async () => (await readTrail(world)).deploy?.finishedAt !== null, 120_000, 'the deploy to finish after the last restart');
  } catch (error) {
    const { deploy, steps } = await readTrail(world);
    throw new Error(`${(error as Error).message}; it is ${deploy.state} after ${steps.slice(-3).map((s) => `${s.fromState}->${s.toState}: ${s.summary}`).join(' | ')}; question ${JSON.stringify((deploy.facts as { pause?: unknown }).pause)}; rollback ${JSON.stringify((deploy.facts as { rollback?: unknown }).rollback)}`);
  }
  return readTrail(world);
}

/**
 * Every step is in the trail in order: each starts in the state the previous one left, from the
 * first state to `done`, and every state change is in the audit trail too.
 */
function expectNoGaps(trail: Awaited<ReturnType<typeof readTrail>>, path: string[]): void {
  const { steps, audit } = trail;
  expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1));
  expect(steps[0].fromState).toBe(path[0]);
  for (let i = 1; i < steps.length; i++) expect(steps[i].fromState, `step ${steps[i].seq}`).toBe(steps[i - 1].toState);
  const changes = steps.filter((s) => s.fromState !== s.toState).map((s) => `${s.fromState}->${s.toState}`);
  expect([path[0], ...changes.map((c) => c.split('->')[1])]).toEqual(path);
  const audited = audit.filter((a) => a.fromState !== a.toState).map((a) => `${a.fromState}->${a.toState}`);
  expect(audited.filter((c, i) => c !== audited[i - 1])).toEqual([`null->${path[0]}`, ...changes]);
}

/** One parent per deploy, every edit on it, and edits after the first crash. */
function expectOneParent(world: World, updatesAtFirstCrash: number): FakeMessage {
  const parents = world.parents();
  expect(parents.map((p) => p.text)).toHaveLength(1);
  const updates = world.slack.workspace.calls('chat.update');
  expect(updates.every((c) => c.args.ts === parents[0].ts)).toBe(true);
  expect(updates.length).toBeGreaterThan(updatesAtFirstCrash);
  return parents[0];
}

/**
 * Each note reached Slack once, crashes or not: once the outbox is empty, every message of the
 * thread and of the release channel carries the outbox id of its note, and no id comes twice.
 */
async function expectEachNoteOnce(world: World, parent: FakeMessage): Promise<void> {
  await waitFor(() => withStore(world, async (store) => (await store.pendingNotes(Number.MAX_SAFE_INTEGER, 1)).length === 0), 30_000, 'every note to reach Slack');
  const posted = [...world.thread(parent), ...world.slack.workspace.messages(RELEASE_CHANNEL)];
  const ids = posted.map((m) => (m.metadata as { event_payload?: { note_id?: string } } | undefined)?.event_payload?.note_id);
  expect(ids).not.toContain(undefined);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
}

const running = (world: World) => world.emulator.state.ec2.instances().filter((i) => i.state === 'pending' || i.state === 'running');
const taggedWith = (world: World, deployId: string) => world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === deployId);

describe('a bot killed with SIGKILL at every step boundary', () => {
  let opened: World | undefined;
  const open = async (options: Parameters<typeof startWorld>[0]) => (opened = await startWorld(options));

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('has a crash point for every step of both workflows', () => {
    const covered = (stages: Stage[]) => new Set(stages.map((s) => s.step));
    const prerelease = covered([...PRERELEASE_APPROVED, ...PRERELEASE_REJECTED]);
    const release = covered([...RELEASED, ...ROLLED_BACK]);
    expect([...prerelease].sort()).toEqual(PRERELEASE_STATES.filter((s) => s !== 'done').sort());
    expect([...release].sort()).toEqual(RELEASE_STATES.filter((s) => s !== 'done').sort());
  });

  it('approves a pre-release after a crash at each of its steps: one canary, one parent, no gap in the trail', async () => {
    const world = await open({ catalog: (yaml) => fastSoak(yaml).replace('minSoak: 3s', 'minSoak: 1s') });
    const fleet = running(world).map((i) => i.instanceId);
    await world.startChild();
    await world.command(USERS.deployer, 'board 1.1.0');

    const { trail, updatesAtFirstCrash } = await survive(world, PRERELEASE_APPROVED);

    expect(trail.deploy).toMatchObject({ state: 'done', outcome: 'approved' });
    expectNoGaps(trail, ['requested', 'launching', 'registering', 'in_service', 'soaking', 'approved', 'done']);
    const canaries = taggedWith(world, trail.deploy.id);
    expect(canaries).toHaveLength(1);
    expect(running(world).map((i) => i.instanceId).sort()).toEqual([...fleet, canaries[0].instanceId].sort());
    const parent = await waitFor(() => world.parents().find((p) => /approved/i.test(p.text)), 10_000, 'the parent to say approved');
    expect(expectOneParent(world, updatesAtFirstCrash).ts).toBe(parent.ts);
    await expectEachNoteOnce(world, parent);
  });

  it('removes a rejected pre-release after a crash at each of its steps', async () => {
    const world = await open({ catalog: (yaml) => fastSoak(yaml).replace('minSoak: 3s', 'minSoak: 1h') });
    const fleet = running(world).map((i) => i.instanceId);
    await world.startChild();
    await world.command(USERS.deployer, 'board 1.1.0');

    const { trail, updatesAtFirstCrash } = await survive(world, PRERELEASE_REJECTED);

    expect(trail.deploy).toMatchObject({ state: 'done', outcome: 'rejected' });
    expectNoGaps(trail, ['requested', 'launching', 'registering', 'in_service', 'soaking', 'rolling_back', 'done']);
    expect(taggedWith(world, trail.deploy.id)).toHaveLength(1);
    expect(running(world).map((i) => i.instanceId).sort()).toEqual(fleet.sort());
    await waitFor(() => world.parents().find((p) => /rejected/i.test(p.text)), 10_000, 'the parent to say rejected');
    await expectEachNoteOnce(world, expectOneParent(world, updatesAtFirstCrash));
  });

  it('releases after a crash at each step and each drain wave: one new fleet, no board lost, each Jira issue closed with one comment and no problem', async () => {
    const world = await open({ catalog: fastRelease, boards: { initialBoards: 100, movePerTick: 4 } });
    const oldFleet = running(world).map((i) => i.instanceId);
    await world.startChild();
    await world.command(USERS.approver, 'board 1.1.0 --reason crash drill', '/release');

    const { trail, updatesAtFirstCrash } = await survive(world, RELEASED);

    expect(trail.deploy).toMatchObject({ state: 'done', outcome: 'released' });
    expectNoGaps(trail, ['planned', 'launching', 'registering', 'gating', 'closing', 'draining', 'retiring', 'announcing', 'done']);
    const fresh = taggedWith(world, trail.deploy.id);
    expect(fresh).toHaveLength(oldFleet.length);
    expect(running(world).map((i) => i.instanceId).sort()).toEqual(fresh.map((i) => i.instanceId).sort());
    expect(world.sim!.lost.boards).toBe(0);
    await waitFor(() => world.parents().find((p) => /released/i.test(p.text)), 10_000, 'the parent to say released');
    await expectEachNoteOnce(world, expectOneParent(world, updatesAtFirstCrash));
    expect(world.slack.workspace.messages(RELEASE_CHANNEL)).toHaveLength(1);
    const closed = (trail.deploy.facts as unknown as ReleaseFacts).jira;
    expect(closed.problem).toBeNull();
    expect(closed.results.map((r) => r.key)).toEqual(expect.arrayContaining(['BOARD-107', 'BOARD-108', 'BOARD-110']));
    for (const result of closed.results) {
      expect(result).toEqual({ key: result.key, transitioned: true, commented: true, problem: null });
      expect(world.jira.issue(result.key)).toMatchObject({ status: 'Done', comments: [`Released in board 1.1.0 (release ${trail.deploy.id}).`] });
    }
    const jiraNotes = await waitFor(() => {
      const found = world.thread(world.parents()[0]).filter((m) => m.text.startsWith('Jira:'));
      return found.length > 0 ? found : null;
    }, 10_000, 'the Jira note in the thread');
    for (const note of jiraNotes) expect(note.text).toBe(`Jira: ${closed.results.length}/${closed.results.length} issues moved to done`);
  });

  it('rolls a paused release back after a crash at each rollback step: old servers serve again, no board lost', async () => {
    const world = await open({ catalog: fastRelease, boards: { initialBoards: 100, movePerTick: 4 } });
    const oldFleet = running(world).map((i) => i.instanceId);
    await world.startChild();
    await world.command(USERS.approver, 'board 1.1.0 --reason rollback drill', '/release');

    const { trail, updatesAtFirstCrash } = await survive(world, ROLLED_BACK);

    expect(trail.deploy).toMatchObject({ state: 'done', outcome: 'rolled_back' });
    expectNoGaps(trail, ['planned', 'launching', 'registering', 'gating', 'closing', 'draining', 'paused', 'rolling_back', 'done']);
    expect(taggedWith(world, trail.deploy.id)).toHaveLength(oldFleet.length);
    expect(running(world).map((i) => i.instanceId).sort()).toEqual(oldFleet.sort());
    expect(world.sim!.lost.boards).toBe(0);
    await waitFor(() => world.parents().find((p) => /rolled back/i.test(text(p))), 10_000, 'the parent to say rolled back');
    await expectEachNoteOnce(world, expectOneParent(world, updatesAtFirstCrash));
  });
});
