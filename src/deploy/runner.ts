import type { ServiceConfig } from '../config/catalog.js';
import { formatDuration } from '../config/duration.js';
import { DependencyError, type Clock } from './ports.js';
import type { DeployKind, ThreadNote } from './records.js';
import { StaleWriteError, type AuditEntry, type DeployStore, type StoredDeploy } from './store-port.js';
import { BOT_ACTOR, type StepResult, type Workflow } from './workflow.js';

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
}

const defaultRetryDelay = (failures: number) => Math.min(5 * 60_000, 5_000 * 2 ** Math.min(failures - 1, 6));

/**
 * The durable executor. A deploy's state and facts live in the store; the runner loads a due
 * deploy, runs the step of its state and commits the result (state, facts, wake time, notes,
 * audit, consumed actions) in one transaction before running the next. Anything in memory here
 * (backoff, in-flight guards) may be lost on a crash without harm.
 */
export class Runner {
  private readonly inFlight = new Set<string>();
  private readonly failures = new Map<string, { count: number; retryAt: number }>();
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
    for (const deploy of await store.listDeploys({ unfinished: true })) {
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
      while (steps < max) {
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
    try {
      const workflow = workflows[deploy.kind];
      if (!workflow) throw new Error(`no workflow handles ${deploy.kind} deploys`);
      const service = this.options.service(deploy.service);
      if (!service) throw new Error(`service ${deploy.service} is no longer in the service catalog`);
      const result = await workflow.step({ deploy, service, now, actions });
      const at = clock.now();
      const finished = result.outcome !== undefined;
      const committed = await store.commitStep({
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
      await this.recordFailure(deploy, error, now);
      return false;
    }
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
        const count = (this.failures.get(deployId)?.count ?? 0) + 1;
        refused.retryAt = now + (this.options.retryDelayMs ?? defaultRetryDelay)(count);
        this.failures.set(deployId, { count, retryAt: refused.retryAt });
        this.options.onStepError?.({ id: deployId, state: refused.state } as StoredDeploy, error, refused.retryAt);
        return false;
      }
    }
    return true;
  }

  /**
   * A failed step changes nothing: the same step runs again after a backoff. The thread hears
   * about the first failure of a streak only, so a flapping dependency cannot flood it.
   */
  private async recordFailure(deploy: StoredDeploy, error: unknown, now: number): Promise<void> {
    const previous = this.failures.get(deploy.id);
    const count = (previous?.count ?? 0) + 1;
    const delay = (this.options.retryDelayMs ?? defaultRetryDelay)(count);
    const retryAt = error instanceof DependencyError && error.retryAt && error.retryAt > now ? error.retryAt : now + delay;
    this.failures.set(deploy.id, { count, retryAt });
    this.options.onStepError?.(deploy, error, retryAt);
    const problem = error instanceof Error ? error.message : String(error);
    const refuse = (storeProblem: string) => {
      if (!this.unrecorded.has(deploy.id)) this.unrecorded.set(deploy.id, { state: deploy.state, problem: storeProblem, since: now, retryAt });
    };
    if (error instanceof DependencyError && error.system === 'store') return refuse(problem);
    if (count > 1) return;
    const system = error instanceof DependencyError ? error.system : 'store';
    try {
      await this.tellThread(deploy, now, {
        wakeAt: retryAt,
        summary: `step failed: ${problem}`,
        audit: { actor: BOT_ACTOR, action: 'step_failed', reason: problem, data: { state: deploy.state, system } },
        note: { type: 'dependency', system, problem, action: `Nothing was changed; retrying the ${deploy.state} step in ${formatDuration(retryAt - now)}.` },
      });
    } catch (storeFailure) {
      if (storeFailure instanceof DependencyError && storeFailure.system === 'store') refuse(storeFailure.message);
    }
  }

  /** Commits a thread note and its audit entry while the deploy stays where it is. */
  private async tellThread(deploy: StoredDeploy, now: number, what: { wakeAt: number | null; summary: string; audit: AuditEntry; note: ThreadNote }): Promise<void> {
    await this.options.store.commitStep({
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
      consumedActionIds: [],
      notes: [what.note],
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
