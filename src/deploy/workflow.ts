import type { ServiceConfig } from '../config/catalog.js';
import type { Failure } from './failure.js';
import type { ActionRecord, DeployKind, LeftRunning, Outcome, ThreadNote } from './records.js';
import type { AuditEntry, StoredDeploy } from './store-port.js';

export interface StepContext<F> {
  deploy: Omit<StoredDeploy, 'facts'> & { facts: F };
  service: ServiceConfig;
  now: number;
  /** User actions recorded since the last step, oldest first. */
  actions: ActionRecord[];
  /**
   * Set when this step failed for good and a person chose Skip: the step runs once without the
   * call that failed (only offered where `holdOptions` says leaving it out is safe).
   */
  skip: { by: string; reason: string } | null;
}

/** What a person may choose, besides Retry, for a step that stopped on a failure; null: not offered. */
export interface HoldOptions {
  skip: string | null;
  rollback: string | null;
}

export interface StepResult<F> {
  state: string;
  facts: F;
  /** Null: sleep until a user acts. */
  wakeAt: number | null;
  /** Set when the deploy ends. */
  outcome?: Outcome;
  notes?: ThreadNote[];
  audit?: AuditEntry[];
  /** Actions this step has read; they are marked consumed with the step. */
  consumed?: number[];
  summary?: string;
}

/**
 * A workflow is a state machine of step functions. A step may call the outside world, but every
 * call must be safe to repeat: a crash after the call and before the commit re-runs the step.
 */
export interface Workflow<F = unknown> {
  kind: DeployKind;
  step(ctx: StepContext<F>): Promise<StepResult<F>>;
  /** Asked when a step stops on a failure: what Skip and Rollback would do in this state. */
  holdOptions(deploy: StepContext<F>['deploy'], failure: Failure): HoldOptions;
}

export const BOT_ACTOR = 'release-bot';

/**
 * Skip on a refused termination: the servers stay running, named in the thread with who chose it
 * and why, and the audit entry saying so. Null when there was no Skip (or nothing to terminate).
 */
export function leftRunning(skip: StepContext<unknown>['skip'], instanceIds: string[]): { note: LeftRunning; audit: AuditEntry } | null {
  if (!skip || instanceIds.length === 0) return null;
  return { note: { instanceIds, ...skip }, audit: { actor: skip.by, action: 'left_running', reason: skip.reason, data: { instanceIds } } };
}
