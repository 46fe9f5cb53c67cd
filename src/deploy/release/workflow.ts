import type { ServiceConfig } from '../../config/catalog.js';
import { formatDuration } from '../../config/duration.js';
import { DependencyError, type Tickets } from '../ports.js';
import { capacityProblem, checkArrival, launchedNote, launchInstances, privateIpsOf, readHealth } from '../launch-steps.js';
import type { ActionRecord, ThreadNote } from '../records.js';
import type { Failure } from '../failure.js';
import { BOT_ACTOR, leftRunning, type HoldOptions, type Workflow } from '../workflow.js';
import { answerDrainQuestion, drainPhase, RELEASE_DRAIN } from './drain-phase.js';
import { newFleetIds, PAUSABLE, type ReleaseFacts } from './facts.js';
import { upgradeReleaseFacts } from './facts-upgrade.js';
import { controlAction, drainPolicy, freshServer, instancePoll, knownTotal, pause, startRollback, to, type Ctx, type ReleaseWorkflowOptions, type Result } from './release-step.js';
import { rollingBack } from './rollback.js';
import { takeOverCommand, takeOverRefusal, unmanagedServers } from './take-over.js';

const ROLLING_BACK = 'Rolling back; the old servers keep serving.';

export function createReleaseWorkflow(options: ReleaseWorkflowOptions): Workflow<ReleaseFacts> {
  const { fleet, boards } = options;

  async function planned(ctx: Ctx): Promise<Result> {
    const facts = ctx.deploy.facts;
    const cancel = ctx.actions.find((a) => a.action === 'cancel');
    if (cancel) {
      return to('done', facts, null, { outcome: 'cancelled', consumed: ctx.actions.map((a) => a.id), notes: [{ type: 'cancelled', by: cancel.actor }] });
    }
    const start = ctx.actions.find((a) => a.action === 'start');
    if (!start) return to('planned', facts, null, { consumed: ctx.actions.map((a) => a.id) });
    const launching = facts.plan.fleetSize - facts.plan.adopt.length;
    return to('launching', { ...facts, startedBy: start.actor, startedAt: ctx.now }, ctx.now, {
      consumed: ctx.actions.map((a) => a.id),
      notes: [
        {
          type: 'release_started',
          by: start.actor,
          fleetSize: facts.plan.fleetSize,
          launching,
          adopted: facts.plan.adopt.map((a) => a.instanceId),
          windowOverride: facts.plan.windowOverride,
          overrideReason: facts.plan.overrideReason,
        },
      ],
    });
  }

  async function launching(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    const { plan } = facts;
    await requireRetirable(ctx);
    try {
      const instances = await launchInstances(fleet, service, {
        imageId: plan.imageId,
        imageName: plan.imageName,
        commit: plan.commit,
        version: deploy.version,
        count: plan.fleetSize - plan.adopt.length,
        deployId: deploy.id,
        step: 'fleet',
        role: 'fleet',
      });
      if (plan.adopt.length > 0) await fleet.adopt(service, plan.adopt.map((a) => a.instanceId), deploy.id);
      const privateIps = { ...privateIpsOf(instances), ...privateIpsOf(plan.adopt) };
      return to('registering', { ...facts, launchedIds: instances.map((i) => i.instanceId), privateIps, launchedAt: now }, now, {
        notes: instances.length > 0 ? [launchedNote(instances)] : [],
        audit: [{ actor: BOT_ACTOR, action: 'launched', data: { instanceIds: instances.map((i) => i.instanceId), adopted: plan.adopt.map((a) => a.instanceId) } }],
      });
    } catch (error) {
      const problem = capacityProblem(error);
      if (problem === null) throw error;
      return startRollback(ctx, { ...facts, problem }, BOT_ACTOR, problem, [{ type: 'failed', problem, action: 'Removing what was launched; the old servers keep serving.' }]);
    }
  }

  /**
   * The plan found every old server under the bot's care; tags can change before Start. A release
   * that could not retire them must stop before it launches a single server, never after the drain.
   */
  async function requireRetirable(ctx: Ctx): Promise<void> {
    const { service, deploy } = ctx;
    const old = await fleet.describe(service, deploy.facts.plan.oldInstances.map((o) => o.instanceId));
    const foreign = unmanagedServers(old.filter((i) => i.state === 'pending' || i.state === 'running'), service).map((i) => i.instanceId);
    if (foreign.length === 0) return;
    const refusal = takeOverRefusal(service, foreign);
    throw new DependencyError('aws', `${refusal.problem} To take them over: ${takeOverCommand(service, foreign)}`, undefined, 'NotManagedByBot');
  }

  async function registering(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    let facts = deploy.facts;
    const launchTimeout = service.release.launchTimeout;
    const arrival = await checkArrival(fleet, service, facts.launchedIds, { privateIps: facts.privateIps, launchedAt: facts.launchedAt, now, launchTimeout });
    if (arrival.status === 'lost') {
      const { gone } = arrival;
      const problem = `New server${gone.length > 1 ? 's' : ''} ${gone.join(', ')} stopped before serving.`;
      return startRollback(ctx, { ...facts, problem }, BOT_ACTOR, problem, [{ type: 'failed', problem, action: ROLLING_BACK }]);
    }
    facts = { ...facts, privateIps: arrival.privateIps };
    const waited = now - (facts.launchedAt ?? now);
    if (arrival.status === 'late') {
      const problem = `New servers did not reach running within ${formatDuration(launchTimeout)}.`;
      return startRollback(ctx, { ...facts, problem }, BOT_ACTOR, problem, [{ type: 'failed', problem, action: ROLLING_BACK }]);
    }
    if (arrival.status === 'starting') return to('registering', facts, now + instancePoll(ctx));
    if (facts.registeredAt === null) {
      await fleet.register(service, facts.launchedIds);
      facts = { ...facts, registeredAt: now };
    }
    const ids = newFleetIds(facts);
    const { health, unhealthy, healthReason, healthy } = await readHealth(fleet, service, ids);
    facts = { ...facts, health, healthReason };
    if (healthy) {
      return to('gating', { ...facts, gate: { ...facts.gate, startedAt: now } }, now, {
        notes: [{ type: 'in_service', instanceIds: ids, afterMs: waited }],
      });
    }
    if (now - (facts.registeredAt ?? now) > service.release.healthyTimeout) {
      const problem = `New servers never became healthy: ${healthReason ?? 'no target health reported'}.`;
      return startRollback(ctx, { ...facts, problem }, BOT_ACTOR, problem, [{ type: 'unhealthy', targets: unhealthy, action: ROLLING_BACK }]);
    }
    return to('registering', facts, now + instancePoll(ctx));
  }

  async function gating(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    const gate = service.release.gate;
    const ids = newFleetIds(facts);
    const reads = await boards.read(service, ids.map((instanceId) => ({ instanceId, privateIp: facts.privateIps[instanceId] })));
    const total = knownTotal(reads);
    const newBoards = Object.fromEntries(reads.map((r) => [r.instanceId, r.boards]));
    const startedAt = facts.gate.startedAt ?? now;
    const observed = now - startedAt;
    const next = { ...facts, gate: { ...facts.gate, boards: total }, drain: { ...facts.drain, newBoards } };
    if (total !== null && total >= gate.minBoards && observed >= gate.observe) {
      return to('closing', { ...next, gate: { ...next.gate, passedAt: now } }, now, {
        notes: [{ type: 'gate', passed: true, boards: total, minBoards: gate.minBoards, newServers: ids.length, afterMs: observed }],
      });
    }
    if (observed > gate.timeout) {
      const problem = `The new servers took ${total ?? 'an unknown number of'} boards in ${formatDuration(observed)}; the gate needs ${gate.minBoards}.`;
      return startRollback(ctx, { ...next, problem }, BOT_ACTOR, problem, [
        { type: 'gate', passed: false, boards: total ?? 0, minBoards: gate.minBoards, newServers: ids.length, afterMs: observed },
      ]);
    }
    return to('gating', next, now + Math.min(instancePoll(ctx), Math.max(250, gate.observe - observed)));
  }

  async function closing(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    const oldIds = facts.plan.oldInstances.map((o) => o.instanceId);
    const delays = await fleet.deregistrationDelays(service);
    const drainTimeout = drainPolicy(ctx).serverTimeoutMs;
    const short = Object.entries(delays).filter(([, ms]) => ms < drainTimeout);
    const delayWarning =
      short.length > 0
        ? `Deregistration delay of ${short.map(([arn, ms]) => `${arn.split(':').pop()} (${formatDuration(ms)})`).join(', ')} is shorter than the drain timeout (${formatDuration(drainTimeout)}): the load balancer may cut sessions a slow server has not moved yet.`
        : null;
    await fleet.deregister(service, oldIds);
    return to('draining', { ...facts, closedAt: now, delayWarning, drain: { ...facts.drain, servers: oldIds.map(freshServer), startedAt: now } }, now, {
      notes: [{ type: 'closed', instanceIds: oldIds, delayWarning }],
      audit: [{ actor: BOT_ACTOR, action: 'closed_old_servers', data: { instanceIds: oldIds } }],
    });
  }

  async function draining(ctx: Ctx): Promise<Result> {
    const facts = ctx.deploy.facts;
    const ips: Record<string, string | null> = { ...facts.privateIps };
    for (const o of facts.plan.oldInstances) ips[o.instanceId] = o.privateIp;
    const tick = await drainPhase(ctx, options, { slot: RELEASE_DRAIN, onto: newFleetIds(facts), ips, narrate: true });
    return tick.done ? to('retiring', tick.facts, ctx.now, { notes: tick.notes }) : tick.result;
  }

  async function paused(ctx: Ctx): Promise<Result> {
    const facts = ctx.deploy.facts;
    const consumed = ctx.actions.map((a) => a.id);
    const from = facts.pausedFrom ?? 'draining';
    const resume = (next: ReleaseFacts, action: ActionRecord): Result =>
      to(from, { ...next, pause: null, pausedFrom: null }, ctx.now, {
        consumed,
        notes: [{ type: 'resumed', by: action.actor, reason: action.reason }],
        audit: [{ actor: action.actor, action: action.action === 'force' ? 'terminate_anyway' : action.action, reason: action.reason, data: { question: facts.pause } }],
      });
    for (const action of ctx.actions) {
      if ((action.action === 'force' && facts.pause) || action.action === 'wait' || action.action === 'resume') return resume(answerDrainQuestion(ctx, facts, action), action);
    }
    return to('paused', facts, null, { consumed });
  }

  async function retiring(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    const keepWarm = service.release.keepWarm;
    if (keepWarm > 0 && facts.retire.warmUntil === null) {
      const warmUntil = now + keepWarm;
      return to('retiring', { ...facts, retire: { ...facts.retire, warmUntil } }, warmUntil, { notes: [{ type: 'retired', terminated: [], warmUntil }] });
    }
    if (facts.retire.warmUntil !== null && now < facts.retire.warmUntil) return to('retiring', facts, facts.retire.warmUntil);
    const retire = facts.drain.servers.filter((s) => s.phase === 'drained').map((s) => s.instanceId);
    const left = leftRunning(ctx.skip, retire);
    if (!left) await fleet.terminate(service, retire);
    const terminated = left ? [] : retire;
    return to('announcing', { ...facts, retire: { ...facts.retire, terminated } }, now, {
      notes: [{ type: 'retired', terminated, warmUntil: null, leftRunning: left?.note }],
      audit: [left?.audit ?? { actor: BOT_ACTOR, action: 'terminated', data: { instanceIds: retire } }],
    });
  }

  async function announcing(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    const notes: ThreadNote[] = [];
    let keys = facts.plan.changelog.issueKeys;
    try {
      const log = service.changelog && facts.plan.commit ? await options.changelog.between(service, facts.plan.fromCommit ?? undefined, facts.plan.commit) : { entries: [], omitted: 0 };
      keys = [...new Set(log.entries.flatMap((e) => e.issueKeys))];
      notes.push({ type: 'announce', version: deploy.version, from: facts.plan.fromVersion ?? undefined, entries: log.entries, omitted: log.omitted, jiraBaseUrl: options.jiraBaseUrl });
    } catch (error) {
      notes.push({ type: 'announce', version: deploy.version, from: facts.plan.fromVersion ?? undefined, entries: [], omitted: 0 });
      notes.push({ type: 'dependency', system: 'git', problem: (error as Error).message, action: 'The announcement went out without the changelog.' });
    }
    const jira = await closeTickets(options.tickets, service, deploy, keys, now);
    if (jira) notes.push({ type: 'jira', results: jira.results, fixVersion: jira.fixVersion, problem: jira.problem });
    const moved = facts.drain.oldBoardsAtStart ?? 0;
    notes.push({ type: 'released', version: deploy.version, durationMs: now - (facts.startedAt ?? now), waves: facts.drain.wave, boardsMoved: moved });
    return to('done', { ...facts, jira: jira ?? facts.jira }, null, { outcome: 'released', notes });
  }

  const steps: Record<string, (ctx: Ctx) => Promise<Result>> = {
    planned,
    launching,
    registering,
    gating,
    closing,
    draining,
    paused,
    retiring,
    announcing,
    rolling_back: (ctx) => rollingBack(ctx, options),
  };

  return {
    kind: 'release',
    holdOptions: releaseHoldOptions,
    async step(stored) {
      const ctx = { ...stored, deploy: { ...stored.deploy, facts: upgradeReleaseFacts(stored.deploy.facts) } };
      const step = steps[ctx.deploy.state];
      if (!step) throw new Error(`release ${ctx.deploy.id} is in unknown state ${ctx.deploy.state}`);
      const { rollback, pause: pauseAction } = controlAction(ctx);
      if (rollback && ctx.deploy.state !== 'rolling_back' && ctx.deploy.state !== 'planned') {
        return startRollback(ctx, ctx.deploy.facts, rollback.actor, rollback.reason);
      }
      if (pauseAction && PAUSABLE.has(ctx.deploy.state)) {
        return pause(ctx, ctx.deploy.facts, { kind: 'user', reason: pauseAction.reason ?? '', instanceIds: [], at: ctx.now, by: pauseAction.actor });
      }
      return step(ctx);
    },
  };
}

/**
 * Skip is safe only where the refused call is a termination of servers no user reaches any more
 * (drained old ones, or new ones drained back by a rollback): they stay running, and the thread
 * names them. Rollback is offered wherever a running release offers it.
 */
export function releaseHoldOptions(deploy: Ctx['deploy'], failure: Failure): HoldOptions {
  const terminating = failure.operation === 'TerminateInstances';
  const skip =
    terminating && deploy.state === 'retiring'
      ? 'Leave the drained old servers running, deregistered, and finish the release; terminate them yourself later.'
      : terminating && deploy.state === 'rolling_back'
        ? 'Leave the new servers running, deregistered and drained, and finish the rollback; terminate them yourself later.'
        : null;
  const rollback = PAUSABLE.has(deploy.state)
    ? deploy.facts.closedAt === null
      ? 'Remove the new servers; the old ones keep serving.'
      : 'Move users back to the old servers, then remove the new ones.'
    : null;
  return { skip, rollback };
}

/** Jira after a successful release; a failure is reported, never fatal. */
export async function closeTickets(
  tickets: Tickets | null,
  service: ServiceConfig,
  deploy: { id: string; version: string },
  keys: string[],
  now: number,
): Promise<ReleaseFacts['jira'] | null> {
  if (!tickets || !service.jira || keys.length === 0) return null;
  let results;
  try {
    results = await tickets.close(service, keys, { id: deploy.id, version: deploy.version });
  } catch (error) {
    return { attempted: true, results: keys.map((key) => ({ key, transitioned: false, commented: false, problem: 'not attempted' })), fixVersion: null, problem: (error as Error).message };
  }
  try {
    return { attempted: true, results, fixVersion: await tickets.releaseVersion(service, deploy.version, now), problem: null };
  } catch (error) {
    return { attempted: true, results, fixVersion: null, problem: `fix version not released: ${(error as Error).message}` };
  }
}
