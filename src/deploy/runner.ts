import type { ServiceConfig } from '../config/catalog.js';
import { formatDuration } from '../config/duration.js';
import { classifyFailure, type Failure } from './failure.js';
import { DependencyError, type Clock } from './ports.js';
import type { ActionRecord, DeployKind, StepHold, ThreadNote } from './records.js';
import { LeaseLostError, StaleWriteError, type AuditEntry, type DeployStore, type StoredDeploy } from './store-port.js';
import { BOT_ACTOR, type StepResult, type Workflow } from './workflow.js';

/** The leader lease as the runner sees it: only the holder of a live lease may take steps. */
export interface Leadership {
  /** Who this process's commits are fenced with. */
  holder: string;
  /** False once this process's lease may have run out: no step (nor any call it makes) may begin. */
  held(): boolean;
  /** The store refused a commit for want of a live lease: another process may lead now. */
  lost(): void;
}

export interface RunnerOptions {
  store: DeployStore;
  service: (name: string) => ServiceConfig | undefined;
  workflows: Partial<Record<DeployKind, Workflow<any>>>;
  clock: Clock;
  /** Called after every committed step (Slack delivery, metrics). */
  onCommit?: (deploy: StoredDeploy, result: StepResult<unknown>, durationMs: number) => void;
  onStepError?: (deploy: StoredDeploy, error: unknown, retryAt: number) => void;
  /** Backoff after a failed step, by consecutive failure count (1, 2, …). */
  retryDelayMs?: (failures: number) => number;
  /** Bounds one pass so a workflow that never sleeps cannot starve the others. */
  maxStepsPerPass?: number;
  /** How long a transient failure is retried before the deploy stops and asks (default 15 minutes). */
  askAfterMs?: number;
  /** Absent: this runner is the only one on its database. */
  leadership?: Leadership;
}

export const DEFAULT_ASK_AFTER_MS = 15 * 60_000;

/** The answers a stopped deploy waits for; any other action waits until one of these came. */
export const HOLD_ANSWERS: ReadonlySet<ActionRecord['action']> = new Set(['retry_step', 'skip_step', 'rollback', 'reject']);

const defaultRetryDelay = (failures: number) => Math.min(5 * 60_000, 5_000 * 2 ** Math.min(failures - 1, 6));

/**
 * The durable executor. A deploy's state and facts live in the store; the runner loads a due
 * deploy, runs the step of its state and commits the result (state, facts, wake time, notes,
 * audit, consumed actions) in one transaction before running the next. Anything in memory here
 * (backoff, in-flight guards) may be lost on a crash without harm.
 */
export class Runner {
  private readonly inFlight = new Set<string>();
  /** The current streak of failures of each deploy's step: how many, since when, next attempt. */
  private readonly failures = new Map<string, { count: number; retryAt: number; since: number }>();
  /**
   * Steps whose commit the database refused. Their outside calls may have happened without being
   * written down, so no step of any deploy runs until the database takes a write again.
   */
  private readonly unrecorded = new Map<string, { state: string; problem: string; since: number; retryAt: number }>();
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<number> | null = null;
  private again = false;

  constructor(private readonly options: RunnerOptions) {}

  /** Runs every deploy that is due (its wake time has come or a user acted). Returns steps run. */
  async runDue(): Promise<number> {
    const { store, clock } = this.options;
    const now = clock.now();
    let steps = 0;
    if (!this.mayAct()) return steps;
    for (const deploy of await store.listDeploys({ unfinished: true })) {
      if (!this.mayAct()) break;
      const backoff = this.failures.get(deploy.id);
      if (backoff && backoff.retryAt > now) continue;
      const due = (deploy.wakeAt !== null && deploy.wakeAt <= now) || (await store.pendingActions(deploy.id)).length > 0;
      if (due) steps += await this.advance(deploy.id);
    }
    return steps;
  }

  /** Steps one deploy until it sleeps, ends, or fails. */
  async advance(deployId: string): Promise<number> {
    if (this.inFlight.has(deployId)) return 0;
    this.inFlight.add(deployId);
    try {
      let steps = 0;
      const max = this.options.maxStepsPerPass ?? 50;
      while (steps < max && this.mayAct()) {
        const deploy = await this.options.store.getDeploy(deployId);
        if (!deploy || deploy.finishedAt !== null) break;
        const actions = await this.options.store.pendingActions(deployId);
        const now = this.options.clock.now();
        const due = (deploy.wakeAt !== null && deploy.wakeAt <= now) || actions.length > 0;
        if (!due) break;
        if (!(await this.step(deploy, actions, now))) break;
        steps++;
      }
      return steps;
    } finally {
      this.inFlight.delete(deployId);
    }
  }

  private async step(deploy: StoredDeploy, actions: Awaited<ReturnType<DeployStore['pendingActions']>>, now: number): Promise<boolean> {
    const { store, workflows, clock } = this.options;
    if (this.unrecorded.size > 0) return this.recordUnrecorded(now);
    if (deploy.hold && !deploy.hold.skipped) {
      const answer = actions.find((a) => HOLD_ANSWERS.has(a.action));
      if (!answer) return false;
      // Rollback (and a pre-release's reject) is the workflow's own; its step's commit clears the hold.
      if (answer.action === 'retry_step' || answer.action === 'skip_step') return this.answerHold(deploy, deploy.hold, answer, now);
    }
    try {
      const workflow = workflows[deploy.kind];
      if (!workflow) throw new Error(`no workflow handles ${deploy.kind} deploys`);
      const service = this.options.service(deploy.service);
      if (!service) throw new Error(`service ${deploy.service} is no longer in the service catalog`);
      const result = await workflow.step({ deploy, service, now, actions, skip: deploy.hold?.skipped ?? null });
      const at = clock.now();
      const finished = result.outcome !== undefined;
      const committed = await store.commitStep({
        leaseHolder: this.options.leadership?.holder,
        deployId: deploy.id,
        expectedRevision: deploy.revision,
        fromState: deploy.state,
        toState: result.state,
        facts: result.facts as Record<string, unknown>,
        wakeAt: finished ? null : result.wakeAt,
        outcome: result.outcome ?? null,
        finishedAt: finished ? at : null,
        startedAt: now,
        at,
        summary: result.summary ?? null,
        audit: result.audit ?? [],
        consumedActionIds: result.consumed ?? [],
        notes: result.notes ?? [],
      });
      this.failures.delete(deploy.id);
      // A lock held by a finished deploy would also be freed by the next plan; this frees it now.
      if (finished) await store.releaseLock(deploy.service, deploy.id);
      this.options.onCommit?.(committed, result, at - now);
      return true;
    } catch (error) {
      if (error instanceof StaleWriteError) return true;
      if (error instanceof LeaseLostError) return this.leaseLost();
      await this.recordFailure(deploy, error, now);
      return false;
    }
  }

  private mayAct(): boolean {
    return this.options.leadership?.held() ?? true;
  }

  /** Another process may be running this deploy now: what this one did is left as a crash would leave it. */
  private leaseLost(): false {
    this.options.leadership?.lost();
    return false;
  }

  /**
   * Writes down, for each deploy whose step the database refused, what happened. True once all is
   * written: the database takes writes again and steps may run. Until then nothing runs, and the
   * write is tried again after the same backoff as a failed step.
   */
  private async recordUnrecorded(now: number): Promise<boolean> {
    const { store } = this.options;
    for (const [deployId, refused] of this.unrecorded) {
      if (refused.retryAt > now) return false;
      try {
        const deploy = await store.getDeploy(deployId);
        if (deploy && deploy.finishedAt === null) {
          await this.tellThread(deploy, now, {
            wakeAt: deploy.wakeAt,
            summary: `step not recorded: ${refused.problem}`,
            audit: { actor: BOT_ACTOR, action: 'step_not_recorded', reason: refused.problem, data: { state: refused.state } },
            note: {
              type: 'dependency',
              system: 'store',
              problem: refused.problem,
              action: `The ${refused.state} step could not be recorded, so nothing else was done for ${formatDuration(now - refused.since)}, until the database took writes again. The ${refused.state} step runs again now; it is safe to repeat.`,
            },
          });
        }
        this.unrecorded.delete(deployId);
      } catch (error) {
        if (error instanceof LeaseLostError) return this.leaseLost();
        const count = (this.failures.get(deployId)?.count ?? 0) + 1;
        refused.retryAt = now + (this.options.retryDelayMs ?? defaultRetryDelay)(count);
        this.failures.set(deployId, { count, retryAt: refused.retryAt, since: refused.since });
        this.options.onStepError?.({ id: deployId, state: refused.state } as StoredDeploy, error, refused.retryAt);
        return false;
      }
    }
    return true;
  }

  /**
   * A failed step changes nothing. A permanent failure stops the deploy and asks in its thread; a
   * transient one runs the same step again after a backoff, until it has lasted `askAfterMs`, then
   * stops and asks too. The thread hears about the first failure of a streak only, so a flapping
   * dependency cannot flood it.
   */
  private async recordFailure(deploy: StoredDeploy, error: unknown, now: number): Promise<void> {
    const previous = this.failures.get(deploy.id);
    const count = (previous?.count ?? 0) + 1;
    const since = previous?.since ?? now;
    const delay = (this.options.retryDelayMs ?? defaultRetryDelay)(count);
    const retryAt = error instanceof DependencyError && error.retryAt && error.retryAt > now ? error.retryAt : now + delay;
    this.failures.set(deploy.id, { count, retryAt, since });
    this.options.onStepError?.(deploy, error, retryAt);
    const failure = classifyFailure(error);
    const refuse = (storeProblem: string) => {
      if (!this.unrecorded.has(deploy.id)) this.unrecorded.set(deploy.id, { state: deploy.state, problem: storeProblem, since: now, retryAt });
    };
    if (failure.system === 'store') return refuse(failure.problem);
    const askAfter = this.options.askAfterMs ?? DEFAULT_ASK_AFTER_MS;
    try {
      if (failure.kind === 'permanent' || now - since >= askAfter) {
        await this.stopAndAsk(deploy, failure, { since, attempts: count }, now);
        this.failures.delete(deploy.id);
        return;
      }
      if (count > 1) return;
      await this.tellThread(deploy, now, {
        wakeAt: retryAt,
        summary: `step failed: ${failure.problem}`,
        audit: { actor: BOT_ACTOR, action: 'step_failed', reason: failure.problem, data: { state: deploy.state, system: failure.system } },
        note: {
          type: 'dependency',
          system: failure.system === 'internal' ? 'store' : failure.system,
          problem: failure.problem,
          action: `Nothing was changed; retrying the ${deploy.state} step in ${formatDuration(retryAt - now)}. If it still fails after ${formatDuration(askAfter)}, I stop and ask here.`,
        },
      });
    } catch (storeFailure) {
      if (storeFailure instanceof LeaseLostError) this.leaseLost();
      else if (storeFailure instanceof DependencyError && storeFailure.system === 'store') refuse(storeFailure.message);
    }
  }

  /** The deploy stays in its state, sleeps until someone answers, and says so in its thread. */
  private async stopAndAsk(deploy: StoredDeploy, failure: Failure, streak: { since: number; attempts: number }, now: number): Promise<void> {
    const workflow = this.options.workflows[deploy.kind];
    const options = workflow ? workflow.holdOptions(deploy, failure) : { skip: null, rollback: null };
    const hold: StepHold = {
      state: deploy.state,
      kind: failure.kind,
      system: failure.system,
      code: failure.code,
      operation: failure.operation,
      problem: failure.problem,
      fix: failure.fix,
      since: streak.since,
      at: now,
      attempts: streak.attempts,
      skip: options.skip,
      rollback: options.rollback,
      skipped: null,
    };
    await this.tellThread(deploy, now, {
      wakeAt: null,
      hold,
      summary: `stopped: ${failure.problem}`,
      audit: { actor: BOT_ACTOR, action: 'stopped', reason: failure.problem, data: { state: deploy.state, system: failure.system, code: failure.code, kind: failure.kind, attempts: streak.attempts } },
      note: { type: 'held', hold },
    });
  }

  /** Retry, or Skip with its reason: recorded first, then the step runs (once without the failing call after Skip). */
  private async answerHold(deploy: StoredDeploy, hold: StepHold, answer: ActionRecord, now: number): Promise<boolean> {
    const skip = answer.action === 'skip_step';
    try {
      await this.commitInPlace(deploy, now, {
        wakeAt: now,
        summary: `${skip ? 'skip' : 'retry'} asked by ${answer.actor}`,
        audit: { actor: answer.actor, action: answer.action, reason: answer.reason, data: { state: hold.state, problem: hold.problem } },
        note: { type: 'hold_answered', by: answer.actor, answer: skip ? 'skip' : 'retry', reason: answer.reason, state: hold.state },
        consumed: [answer.id],
        hold: skip ? { ...hold, skipped: { by: answer.actor, reason: answer.reason ?? '' } } : null,
      });
      this.failures.delete(deploy.id);
      return true;
    } catch (error) {
      if (error instanceof StaleWriteError) return true;
      if (error instanceof LeaseLostError) return this.leaseLost();
      await this.recordFailure(deploy, error, now);
      return false;
    }
  }

  /** Commits a thread note and its audit entry while the deploy stays where it is; a note about a retry keeps an earlier question standing. */
  private tellThread(deploy: StoredDeploy, now: number, what: { wakeAt: number | null; summary: string; audit: AuditEntry; note: ThreadNote; hold?: StepHold }): Promise<void> {
    return this.commitInPlace(deploy, now, { ...what, consumed: [], hold: what.hold ?? deploy.hold });
  }

  private async commitInPlace(
    deploy: StoredDeploy,
    now: number,
    what: { wakeAt: number | null; summary: string; audit: AuditEntry; note: ThreadNote; consumed: number[]; hold: StepHold | null },
  ): Promise<void> {
    await this.options.store.commitStep({
      leaseHolder: this.options.leadership?.holder,
      deployId: deploy.id,
      expectedRevision: deploy.revision,
      fromState: deploy.state,
      toState: deploy.state,
      facts: deploy.facts,
      wakeAt: what.wakeAt,
      outcome: null,
      finishedAt: null,
      startedAt: now,
      at: this.options.clock.now(),
      summary: what.summary,
      audit: [what.audit],
      consumedActionIds: what.consumed,
      notes: [what.note],
      hold: what.hold,
    });
  }

  /** Runs a pass soon; a pass already running is followed by one more. */
  poke(): void {
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.runDue()
      .catch((error) => {
        this.options.onStepError?.({ id: '*' } as StoredDeploy, error, this.options.clock.now());
        return 0;
      })
      .finally(() => {
        this.pass = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  start(intervalMs = 500): void {
    this.timer = setInterval(() => this.poke(), intervalMs);
    this.timer.unref?.();
    this.poke();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.again = false;
    await this.pass;
  }
}
