// The one drain of a release, run in either direction: the release drains its old servers onto
// the new ones, its rollback the new servers back onto the old ones. Questions, Wait, Terminate
// anyway, the quiet period, the drop check and stuck servers work the same both ways.
import { formatDuration } from '../../config/duration.js';
import { planDrain, type DrainPlan, type DrainPolicy, type DrainServer } from '../drain.js';
import type { DrainHook } from '../ports.js';
import type { ActionRecord, ThreadNote } from '../records.js';
import { BOT_ACTOR } from '../workflow.js';
import type { DrainState, ReleaseFacts, ReleaseState } from './facts.js';
import { drainPolicy, drainPoll, knownTotal, pause, to, type Ctx, type ReleaseWorkflowOptions, type Result } from './release-step.js';

/**
 * Users of a drained server are out of their boards for a moment while they reconnect, so the
 * total dips during every wave. Only a fall that lasts this long is a loss worth pausing for.
 */
export const DROP_PERSISTS_MS = 15_000;

/** Where a drain keeps its state in the release's facts. */
export interface DrainSlot {
  read(facts: ReleaseFacts): DrainState;
  write(facts: ReleaseFacts, drain: DrainState): ReleaseFacts;
}

export const RELEASE_DRAIN: DrainSlot = {
  read: (facts) => facts.drain,
  write: (facts, drain) => ({ ...facts, drain }),
};

const rollbackOf = (facts: ReleaseFacts) => {
  if (!facts.rollback) throw new Error('the rollback drain runs only once a rollback began');
  return facts.rollback;
};

export const ROLLBACK_DRAIN: DrainSlot = {
  read: (facts) => rollbackOf(facts).drain,
  write: (facts, drain) => ({ ...facts, rollback: { ...rollbackOf(facts), drain } }),
};

/** A rollback stops the release's drain for good, so once one began its drain is the one that asks. */
export const activeDrain = (facts: ReleaseFacts): DrainSlot => (facts.rollback ? ROLLBACK_DRAIN : RELEASE_DRAIN);

export interface DrainDirection {
  slot: DrainSlot;
  /** The servers users move onto: the new fleet in a release, the warm old servers in a rollback. */
  onto: string[];
  /** Private addresses of the servers on both sides, for the board reads and the hook. */
  ips: Record<string, string | null>;
  /**
   * Tell the thread of each wave, each confirmed drain and each hold (and keep the hold as the
   * release's problem). A rollback stays quiet: its own note said users are moving back, the
   * parent message counts what is left, and its problem is why it rolled back.
   */
  narrate: boolean;
}

/** Not done: the step's result (wait for the next read, or a question). Done: every server is drained. */
export type DrainTick = { done: false; result: Result } | { done: true; facts: ReleaseFacts; notes: ThreadNote[] };

/** One read of the board counts and what follows from it, in the state the deploy is in. */
export async function drainPhase(ctx: Ctx, options: ReleaseWorkflowOptions, direction: DrainDirection): Promise<DrainTick> {
  const { service, now } = ctx;
  const { slot, onto, ips } = direction;
  const facts = ctx.deploy.facts;
  const drain = slot.read(facts);
  const policy = drainPolicy(ctx);
  const leaving = new Set(drain.servers.map((s) => s.instanceId));
  const asked = [...leaving, ...onto];
  const reads = await options.boards.read(service, asked.map((instanceId) => ({ instanceId, privateIp: ips[instanceId] ?? undefined })));
  const baselineTotal = drain.baselineTotal ?? knownTotal(reads);
  const oldBoardsAtStart = drain.oldBoardsAtStart ?? knownTotal(reads.filter((r) => leaving.has(r.instanceId)));
  const plan = planDrain({
    now,
    servers: drain.servers,
    reads,
    newServerIds: onto,
    baselineTotal: baselineTotal ?? 0,
    wave: drain.wave,
    policy,
    forced: drain.forced.map((f) => f.instanceId),
  });
  const notes: ThreadNote[] = [];
  let servers = plan.servers;
  if (plan.hook.length > 0) {
    const sent = await sendHooks(ctx, options.drainHook, servers, plan.hook, ips);
    servers = sent.servers;
    notes.push(...sent.notes);
  }
  if (direction.narrate) notes.push(...narrate(plan, servers, drain, policy, facts.problem));
  const newBoards = Object.fromEntries(reads.filter((r) => onto.includes(r.instanceId)).map((r) => [r.instanceId, r.boards]));
  const state: DrainState = { ...drain, servers, wave: plan.wave, baselineTotal, oldBoardsAtStart, newBoards };
  const next = slot.write({ ...facts, problem: direction.narrate ? plan.hold : facts.problem, progressAt: now }, state);

  const quiet = drain.quietUntil !== null && now < drain.quietUntil;
  const asks = plan.ask.filter((a) => a.kind === 'stuck' || !quiet);
  if (asks.length > 0) {
    const kind = asks.some((a) => a.kind === 'stuck') ? 'stuck' : 'unknown';
    return { done: false, result: pause(ctx, next, { kind, reason: asks.map((a) => `${a.instanceId}: ${a.reason}`).join('; '), instanceIds: asks.map((a) => a.instanceId), at: now, by: BOT_ACTOR }, notes) };
  }
  const dropSince = plan.drop ? (drain.dropSince ?? now) : null;
  const watched = slot.write(next, { ...state, dropSince });
  if (plan.drop && dropSince !== null && now - dropSince >= DROP_PERSISTS_MS) {
    return { done: false, result: pause(ctx, watched, { kind: 'drop', reason: `${plan.drop} for ${formatDuration(now - dropSince)}`, instanceIds: [], at: now, by: BOT_ACTOR }, notes) };
  }
  if (plan.done) return { done: true, facts: watched, notes };
  return { done: false, result: to(ctx.deploy.state as ReleaseState, watched, now + drainPoll(ctx), { notes }) };
}

function narrate(plan: DrainPlan, servers: DrainServer[], before: DrainState, policy: DrainPolicy, problem: string | null): ThreadNote[] {
  const notes: ThreadNote[] = [];
  if (plan.wave > before.wave) {
    const wave = servers.filter((s) => s.wave === plan.wave);
    notes.push({ type: 'wave', wave: plan.wave, instanceIds: wave.map((s) => s.instanceId), boards: wave.reduce((n, s) => n + (s.boards ?? 0), 0), projectedPerNewServer: plan.projectedPerNewServer, capacity: policy.capacity });
  }
  if (plan.drained.length > 0) {
    notes.push({ type: 'drained', instanceIds: plan.drained, forced: plan.drained.some((id) => before.forced.some((f) => f.instanceId === id)) });
  }
  if (plan.hold && plan.hold !== problem) notes.push({ type: 'text', text: `⏸️ No new wave: ${plan.hold}` });
  return notes;
}

/** Sends the hook to each server; a failed hook counts as an attempt whose timeout is already over. */
async function sendHooks(ctx: Ctx, hook: DrainHook, servers: DrainServer[], ids: string[], ips: Record<string, string | null>): Promise<{ servers: DrainServer[]; notes: ThreadNote[] }> {
  const notes: ThreadNote[] = [];
  const failed = new Set<string>();
  await Promise.all(
    ids.map(async (instanceId) => {
      try {
        await hook.drain(ctx.service, { instanceId, privateIp: ips[instanceId] ?? undefined });
      } catch (error) {
        failed.add(instanceId);
        const attempts = servers.find((s) => s.instanceId === instanceId)?.hookAttempts ?? 1;
        notes.push({
          type: 'dependency',
          system: 'drain',
          problem: (error as Error).message,
          action: attempts < 2 ? `The hook of ${instanceId} will be sent once more; nothing is terminated.` : `${instanceId} stays; the release asks what to do.`,
        });
      }
    }),
  );
  const timeout = drainPolicy(ctx).serverTimeoutMs;
  return { servers: servers.map((s) => (failed.has(s.instanceId) ? { ...s, hookedAt: ctx.now - timeout - 1 } : s)), notes };
}

/**
 * A person's answer to the question a drain paused on, kept in the drain that asked it: Terminate
 * anyway forces the servers asked about; Wait (or Resume) gives stuck servers another timeout,
 * stops asking about unknown counts for one, and after a drop takes the new total as the baseline.
 */
export function answerDrainQuestion(ctx: Ctx, facts: ReleaseFacts, action: ActionRecord): ReleaseFacts {
  const slot = activeDrain(facts);
  const drain = slot.read(facts);
  const question = facts.pause;
  if (!question) return facts;
  if (action.action === 'force') {
    const forced = [...drain.forced, ...question.instanceIds.map((instanceId) => ({ instanceId, by: action.actor, reason: action.reason ?? '' }))];
    return slot.write(facts, { ...drain, forced });
  }
  const servers = drain.servers.map((s) => (question.kind === 'stuck' && question.instanceIds.includes(s.instanceId) ? { ...s, phase: 'draining' as const, hookAttempts: 1, hookedAt: ctx.now } : s));
  const quietUntil = question.kind === 'unknown' ? ctx.now + drainPolicy(ctx).serverTimeoutMs : drain.quietUntil;
  // After a drop the people who looked at it accept the new total as the baseline.
  const baselineTotal = question.kind === 'drop' ? null : drain.baselineTotal;
  return slot.write(facts, { ...drain, servers, quietUntil, baselineTotal });
}
