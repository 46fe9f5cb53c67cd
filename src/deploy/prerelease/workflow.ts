import { formatDuration } from '../../config/duration.js';
import { DependencyError, type Changelog, type Fleet, type NewErrors } from '../ports.js';
import { capacityProblem, checkArrival, launchedNote, launchInstances, privateIpsOf, readHealth } from '../launch-steps.js';
import type { ActionRecord, Outcome, ThreadNote } from '../records.js';
import { minSoakEndsAt, soakVerdict } from '../soak.js';
import type { Failure } from '../failure.js';
import { BOT_ACTOR, leftRunning, type HoldOptions, type StepContext, type StepResult, type Workflow } from '../workflow.js';
import { REJECTABLE } from './actions.js';
import type { Decision, PrereleaseFacts, PrereleaseState, SeenIssue } from './facts.js';

export interface PrereleaseWorkflowOptions {
  fleet: Fleet;
  newErrors: NewErrors;
  changelog: Changelog;
  /** Turns Jira keys in the changelog into links when set. */
  jiraBaseUrl?: string;
  /** Longest wait for deregistered canaries to finish draining before termination. */
  removeTimeoutMs?: number;
}

type Ctx = StepContext<PrereleaseFacts>;

/** How often to look at instances on their way in or out: never slower than every 5 s. */
const instancePoll = (ctx: Ctx) => Math.min(5_000, ctx.service.prerelease.pollInterval);
type Result = StepResult<PrereleaseFacts>;

const OUTCOME_OF: Record<Decision['kind'], Outcome> = {
  approved: 'approved',
  auto_approved: 'approved',
  rejected: 'rejected',
  auto_rollback: 'rolled_back',
  failed: 'failed',
};

export function createPrereleaseWorkflow(options: PrereleaseWorkflowOptions): Workflow<PrereleaseFacts> {
  const removeTimeoutMs = options.removeTimeoutMs ?? 5 * 60_000;
  const { fleet } = options;

  const stay = (ctx: Ctx, facts: PrereleaseFacts, wakeAt: number, extra: Partial<Result> = {}): Result => ({
    state: ctx.deploy.state,
    facts,
    wakeAt,
    ...extra,
  });

  const to = (state: PrereleaseState, facts: PrereleaseFacts, wakeAt: number | null, extra: Partial<Result> = {}): Result => ({
    state,
    facts,
    wakeAt,
    ...extra,
  });

  function rollBack(ctx: Ctx, facts: PrereleaseFacts, decision: Decision, notes: ThreadNote[], consumed: number[] = []): Result {
    return to('rolling_back', { ...facts, decision }, ctx.now, {
      notes,
      consumed,
      audit: [{ actor: decision.by, action: decision.kind, reason: decision.reason }],
    });
  }

  async function requested(ctx: Ctx): Promise<Result> {
    const { deploy, service } = ctx;
    const facts = deploy.facts;
    const notes: ThreadNote[] = [
      { type: 'requested', by: deploy.actor, version: deploy.version, imageId: facts.imageId, canaries: facts.canaries },
    ];
    if (service.changelog && facts.commit) {
      try {
        const log = await options.changelog.between(service, facts.fromCommit ?? undefined, facts.commit);
        notes.push({ type: 'changelog', from: facts.fromVersion ?? undefined, to: deploy.version, ...log, jiraBaseUrl: options.jiraBaseUrl });
      } catch (error) {
        notes.push({ type: 'dependency', system: 'git', problem: messageOf(error), action: 'The changelog is missing from this thread; the pre-release goes on.' });
      }
    } else if (service.changelog) {
      notes.push({ type: 'text', text: `No changelog: the AMI ${facts.imageId} has no \`${service.ami.commitTag}\` tag naming its commit.` });
    }
    return to('launching', { ...facts, changelogPosted: true }, ctx.now, { notes });
  }

  async function launching(ctx: Ctx): Promise<Result> {
    const { deploy, service } = ctx;
    const facts = deploy.facts;
    try {
      const instances = await launchInstances(fleet, service, {
        imageId: facts.imageId,
        imageName: facts.imageName,
        commit: facts.commit,
        version: deploy.version,
        count: facts.canaries,
        deployId: deploy.id,
        step: 'canary',
        role: 'canary',
      });
      return to('registering', { ...facts, instanceIds: instances.map((i) => i.instanceId), privateIps: privateIpsOf(instances), launchedAt: ctx.now }, ctx.now, {
        notes: [launchedNote(instances)],
        audit: [{ actor: BOT_ACTOR, action: 'launched', data: { instanceIds: instances.map((i) => i.instanceId) } }],
      });
    } catch (error) {
      const problem = capacityProblem(error);
      if (problem === null) throw error;
      const decision: Decision = { kind: 'failed', by: BOT_ACTOR, reason: problem, at: ctx.now };
      return rollBack(ctx, { ...facts, problem }, decision, [{ type: 'failed', problem, action: 'Removing whatever was launched; nothing else changed.' }]);
    }
  }

  async function registering(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    const launchTimeout = service.prerelease.launchTimeout;
    const arrival = await checkArrival(fleet, service, facts.instanceIds, { privateIps: facts.privateIps, launchedAt: facts.launchedAt, now, launchTimeout });
    if (arrival.status === 'lost') {
      const problem = `Canary ${[...arrival.stopped.map((i) => `${i.instanceId} is ${i.state}`), ...arrival.missing.map((id) => `${id} is gone`)].join(', ')} before it could serve.`;
      return failed(ctx, { ...facts, problem }, problem);
    }
    const privateIps = arrival.privateIps;
    if (arrival.status === 'late') {
      const problem = `The canary did not reach running within ${formatDuration(launchTimeout)}.`;
      return failed(ctx, { ...facts, privateIps, problem }, problem);
    }
    if (arrival.status === 'starting') return stay(ctx, { ...facts, privateIps }, now + instancePoll(ctx));
    await fleet.register(service, facts.instanceIds);
    return to('in_service', { ...facts, privateIps }, now, {
      audit: [{ actor: BOT_ACTOR, action: 'registered', data: { instanceIds: facts.instanceIds, targetGroups: service.targetGroups } }],
    });
  }

  function failed(ctx: Ctx, facts: PrereleaseFacts, problem: string): Result {
    return rollBack(ctx, facts, { kind: 'failed', by: BOT_ACTOR, reason: problem, at: ctx.now }, [{ type: 'failed', problem, action: 'Removing the canary.' }]);
  }

  async function inService(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    const { health, unhealthy, healthReason, healthy } = await readHealth(fleet, service, facts.instanceIds);
    const rejectedBy = ctx.actions.find((a) => a.action === 'reject');
    if (rejectedBy) {
      return rollBack(ctx, { ...facts, health, healthReason }, decisionFrom(rejectedBy, 'rejected'), [], ctx.actions.map((a) => a.id));
    }
    if (healthy) {
      return to('soaking', { ...facts, health, healthReason: null, inServiceAt: now, soakStartedAt: now }, now, {
        notes: [{ type: 'in_service', instanceIds: facts.instanceIds, afterMs: now - (facts.launchedAt ?? now) }],
        consumed: ctx.actions.map((a) => a.id),
      });
    }
    const waited = now - (facts.launchedAt ?? now);
    if (waited > service.prerelease.launchTimeout + service.prerelease.healthyTimeout) {
      const problem = `The canary never became healthy: ${healthReason ?? 'no target health reported'}.`;
      return rollBack(ctx, { ...facts, health, healthReason, problem }, { kind: 'failed', by: BOT_ACTOR, reason: problem, at: now }, [
        { type: 'unhealthy', targets: unhealthy, action: 'Removing the canary; users were never routed to a healthy canary.' },
      ]);
    }
    return stay(ctx, { ...facts, health, healthReason }, now + instancePoll(ctx));
  }

  async function readSentry(ctx: Ctx, facts: PrereleaseFacts): Promise<{ facts: PrereleaseFacts; notes: ThreadNote[]; nextPollAt: number }> {
    const { service, now, deploy } = ctx;
    const poll = service.prerelease.pollInterval;
    try {
      const issues = await options.newErrors.newIssues(service, deploy.version);
      const known = new Map(facts.seenIssues.map((i) => [i.id, i]));
      const notes: ThreadNote[] = [];
      if (!facts.sentry.ok) notes.push({ type: 'text', text: `Sentry is readable again (it failed for ${formatDuration(now - (facts.sentry.since ?? now))}).` });
      const seenIssues: SeenIssue[] = issues.map((issue) => {
        if (!known.has(issue.id)) notes.push({ type: 'new_issue', issue });
        return {
          id: issue.id,
          shortId: issue.shortId,
          title: issue.title,
          level: issue.level,
          count: issue.count,
          userCount: issue.userCount,
          permalink: issue.permalink,
          firstSeen: issue.firstSeen,
        };
      });
      // An issue resolved in Sentry drops out of the query; the soak still remembers it.
      for (const old of facts.seenIssues) if (!seenIssues.some((i) => i.id === old.id)) seenIssues.push(old);
      return { facts: { ...facts, seenIssues, sentry: { ok: true, checkedAt: now, problem: null, since: null } }, notes, nextPollAt: now + poll };
    } catch (error) {
      const problem = messageOf(error);
      const retryAt = error instanceof DependencyError && error.retryAt ? Math.max(error.retryAt, now + 1_000) : now + poll;
      const when = retryAt > now + poll ? `Asking Sentry again in ${formatDuration(retryAt - now)}, when it said to` : 'Retrying at the next poll';
      const notes: ThreadNote[] = facts.sentry.ok
        ? [{ type: 'dependency', system: 'sentry', problem, action: `${when}; until Sentry answers, this soak cannot approve itself.` }]
        : [];
      return { facts: { ...facts, sentry: { ok: false, checkedAt: facts.sentry.checkedAt, problem, since: facts.sentry.since ?? now } }, notes, nextPollAt: retryAt };
    }
  }

  async function soaking(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    let facts = deploy.facts;
    const consumed = ctx.actions.map((a) => a.id);
    const notes: ThreadNote[] = [];
    const audit: Result['audit'] = [];
    for (const action of ctx.actions) {
      if (action.action === 'reject') return rollBack(ctx, facts, decisionFrom(action, 'rejected'), notes, consumed);
      if (action.action === 'approve') {
        return to('approved', { ...facts, decision: decisionFrom(action, 'approved') }, now, { notes, consumed });
      }
      if (action.action === 'extend') {
        facts = { ...facts, extendedMs: facts.extendedMs + service.prerelease.extendBy };
        notes.push({ type: 'extended', by: action.actor, reason: action.reason, minSoakEndsAt: minSoakEndsAt({ soakStartedAt: facts.soakStartedAt ?? now, extendedMs: facts.extendedMs, policy: service.prerelease }) });
      }
    }
    let nextPollAt = facts.sentryNextPollAt ?? now;
    const pollDue = now >= nextPollAt;
    if (pollDue) {
      const read = await readSentry(ctx, facts);
      facts = read.facts;
      notes.push(...read.notes);
      nextPollAt = read.nextPollAt;
      facts = { ...facts, sentryNextPollAt: read.nextPollAt };
      const reading = await readHealth(fleet, service, facts.instanceIds).catch(() => null);
      if (reading) facts = { ...facts, health: reading.health, healthReason: reading.healthReason };
    }
    const verdict = soakVerdict({
      now,
      soakStartedAt: facts.soakStartedAt ?? now,
      extendedMs: facts.extendedMs,
      issues: facts.seenIssues,
      sentryCheckedAt: facts.sentry.ok ? facts.sentry.checkedAt : null,
      sentryOk: facts.sentry.ok,
      policy: service.prerelease,
    });
    if (verdict.kind === 'rollback') {
      return rollBack(ctx, facts, { kind: 'auto_rollback', by: BOT_ACTOR, reason: verdict.reason, at: now }, notes, consumed);
    }
    if (verdict.kind === 'approve') {
      return to('approved', { ...facts, decision: { kind: 'auto_approved', by: BOT_ACTOR, reason: verdict.reason, at: now } }, now, {
        notes,
        consumed,
        audit: [{ actor: BOT_ACTOR, action: 'auto_approved', reason: verdict.reason }],
      });
    }
    const wakeAt = verdict.minSoakReached ? nextPollAt : Math.min(nextPollAt, verdict.minSoakEndsAt);
    return stay(ctx, facts, wakeAt, { notes, consumed, audit });
  }

  async function approved(ctx: Ctx): Promise<Result> {
    const facts = ctx.deploy.facts;
    const decision = facts.decision as Decision;
    return to('done', facts, null, {
      outcome: 'approved',
      notes: [{ type: 'decision', decision: decision.kind === 'auto_approved' ? 'auto_approved' : 'approved', by: decision.by, reason: decision.reason, soakedMs: ctx.now - (facts.soakStartedAt ?? ctx.now) }],
      audit: decision.kind === 'approved' ? [{ actor: decision.by, action: 'approved', reason: decision.reason }] : [],
    });
  }

  async function rollingBack(ctx: Ctx): Promise<Result> {
    const { deploy, service, now } = ctx;
    const facts = deploy.facts;
    // Rediscover by tag: a crash may have hidden a launch from the facts.
    const launched = await fleet.launchedBy(service, deploy.id);
    const ids = [...new Set([...facts.instanceIds, ...launched.map((i) => i.instanceId)])];
    const live = launched.filter((i) => i.state === 'pending' || i.state === 'running').map((i) => i.instanceId);
    const decision = facts.decision as Decision;
    const decisionNote: ThreadNote[] =
      facts.removingSince === null && decision.kind !== 'failed'
        ? [{ type: 'decision', decision: decision.kind === 'auto_rollback' ? 'auto_rollback' : 'rejected', by: decision.by, reason: decision.reason, soakedMs: facts.soakStartedAt ? now - facts.soakStartedAt : 0 }]
        : [];
    if (facts.removingSince === null) {
      if (live.length > 0) await fleet.deregister(service, live);
      return stay(ctx, { ...facts, instanceIds: ids, removingSince: now }, now + instancePoll(ctx), { notes: decisionNote });
    }
    const targets = live.length > 0 ? await fleet.health(service, live) : [];
    const stillServing = targets.filter((t) => t.state === 'draining' || t.state === 'healthy' || t.state === 'initial');
    if (stillServing.length > 0 && now - facts.removingSince < removeTimeoutMs) return stay(ctx, facts, now + instancePoll(ctx));
    const left = leftRunning(ctx.skip, live);
    if (live.length > 0 && !left) await fleet.terminate(service, live);
    return to('done', { ...facts, instanceIds: ids }, null, {
      outcome: OUTCOME_OF[decision.kind],
      notes: [{ type: 'removed', instanceIds: left ? [] : live, leftRunning: left?.note }],
      audit: [left?.audit ?? { actor: BOT_ACTOR, action: 'terminated', data: { instanceIds: live } }],
    });
  }

  const steps: Record<string, (ctx: Ctx) => Promise<Result>> = {
    requested,
    launching,
    registering,
    in_service: inService,
    soaking,
    approved,
    rolling_back: rollingBack,
  };

  return {
    kind: 'prerelease',
    holdOptions: prereleaseHoldOptions,
    async step(ctx) {
      const step = steps[ctx.deploy.state];
      if (!step) throw new Error(`pre-release ${ctx.deploy.id} is in unknown state ${ctx.deploy.state}`);
      // Before the canary serves, a rejection (also the answer to a stopped launch) removes whatever was launched.
      const rejected = ctx.actions.find((a) => a.action === 'reject');
      if (rejected && BEFORE_SERVICE.has(ctx.deploy.state)) return rollBack(ctx, ctx.deploy.facts, decisionFrom(rejected, 'rejected'), [], ctx.actions.map((a) => a.id));
      return step(ctx);
    },
  };
}

const BEFORE_SERVICE: ReadonlySet<string> = new Set(['requested', 'launching', 'registering']);

/** Skip only leaves a deregistered canary running when terminating it was refused; Rollback removes the canary. */
export function prereleaseHoldOptions(deploy: Ctx['deploy'], failure: Failure): HoldOptions {
  const skip =
    deploy.state === 'rolling_back' && failure.operation === 'TerminateInstances'
      ? 'Leave the canary running, deregistered so no user reaches it, and end the pre-release; terminate it yourself later.'
      : null;
  return { skip, rollback: REJECTABLE.has(deploy.state) ? 'Remove the canary: deregister and terminate whatever was launched.' : null };
}

function decisionFrom(action: ActionRecord, kind: 'approved' | 'rejected'): Decision {
  return { kind, by: action.actor, reason: action.reason, at: action.at };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
