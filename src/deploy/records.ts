import type { ChangelogEntry, Instance, NewIssue, System, TargetHealth, TicketResult } from './ports.js';

/** The durable shape of deploys, user actions, audit entries and thread notes. */

export type DeployKind = 'prerelease' | 'release';
export type Outcome = 'approved' | 'rejected' | 'rolled_back' | 'failed' | 'released' | 'cancelled';

export interface DeployRecord<F = Record<string, unknown>> {
  id: string;
  service: string;
  kind: DeployKind;
  version: string;
  state: string;
  outcome: Outcome | null;
  /** Slack user who asked for it. */
  actor: string;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the runner should next look at it (timers survive restarts); null: only on an action. */
  wakeAt: number | null;
  finishedAt: number | null;
  /** Everything the workflow has learned, written after every step. */
  facts: F;
  /** Where the parent message lives, once posted. */
  slackChannel: string | null;
  slackTs: string | null;
  /** Set while a failed step waits for a person: the runner takes no step until it is answered. */
  hold: StepHold | null;
}

/**
 * A step that failed in a way retrying cannot fix (or that kept failing too long): the deploy
 * stops where it is and asks in its thread. Retry runs the step again; Skip (only where skipping
 * is safe) runs it once without the failing call; Rollback is the workflow's own.
 */
export interface StepHold {
  state: string;
  kind: 'permanent' | 'transient';
  system: System | 'internal';
  code: string | null;
  operation: string | null;
  problem: string;
  fix: string | null;
  /** First failure of the streak, and when the bot stopped retrying. */
  since: number;
  at: number;
  attempts: number;
  /** What Skip would do; null when skipping this step is not safe. */
  skip: string | null;
  /** What Rollback would do; null when there is nothing to go back to. */
  rollback: string | null;
  /** Skip was chosen: the next run of the step leaves the failing call out. */
  skipped: { by: string; reason: string } | null;
}

export type ActionKind = 'approve' | 'reject' | 'extend' | 'pause' | 'resume' | 'rollback' | 'force' | 'wait' | 'cancel' | 'start' | 'retry' | 'retry_step' | 'skip_step';

/** A user's request, recorded first and then read by the runner. */
export interface ActionRecord {
  id: number;
  deployId: string;
  action: ActionKind;
  actor: string;
  reason: string | null;
  at: number;
  consumedAt: number | null;
}

export interface AuditRecord {
  id: number;
  deployId: string | null;
  at: number;
  actor: string;
  action: string;
  reason: string | null;
  fromState: string | null;
  toState: string | null;
  data: Record<string, unknown> | null;
}

export interface StepRecord {
  deployId: string;
  seq: number;
  fromState: string;
  toState: string;
  startedAt: number;
  finishedAt: number;
  summary: string | null;
}

/** Servers a person chose, with Skip, not to terminate after the termination was refused. */
export interface LeftRunning {
  instanceIds: string[];
  by: string;
  reason: string;
}

/** What a workflow asks to say in the deploy's thread; rendered to Block Kit by src/slack. */
export type ThreadNote =
  | { type: 'requested'; by: string; version: string; imageId: string; canaries: number }
  | { type: 'launched'; instances: Pick<Instance, 'instanceId' | 'privateIp'>[] }
  | { type: 'in_service'; instanceIds: string[]; afterMs: number }
  | { type: 'changelog'; from?: string; to: string; entries: ChangelogEntry[]; omitted: number; jiraBaseUrl?: string }
  | { type: 'new_issue'; issue: NewIssue }
  | { type: 'dependency'; system: System; problem: string; action: string }
  /** The deploy stopped on a failed step and asks what to do (buttons from the hold). */
  | { type: 'held'; hold: StepHold }
  | { type: 'hold_answered'; by: string; answer: 'retry' | 'skip'; reason: string | null; state: string }
  | { type: 'unhealthy'; targets: TargetHealth[]; action: string }
  | { type: 'decision'; decision: 'approved' | 'rejected' | 'auto_approved' | 'auto_rollback'; by: string; reason: string | null; soakedMs: number }
  | { type: 'extended'; by: string; reason: string | null; minSoakEndsAt: number }
  | { type: 'removed'; instanceIds: string[]; leftRunning?: LeftRunning }
  | { type: 'failed'; problem: string; action: string }
  | { type: 'text'; text: string }
  | { type: 'release_started'; by: string; fleetSize: number; launching: number; adopted: string[]; windowOverride: { by: string; reason: string } | null; overrideReason: string | null }
  | { type: 'gate'; passed: boolean; boards: number; minBoards: number; newServers: number; afterMs: number }
  | { type: 'closed'; instanceIds: string[]; delayWarning: string | null }
  | { type: 'wave'; wave: number; instanceIds: string[]; boards: number; projectedPerNewServer: number | null; capacity: number }
  | { type: 'drained'; instanceIds: string[]; forced: boolean }
  /** The release paused and asks: Wait, or Terminate anyway (with a reason). */
  | { type: 'question'; kind: 'unknown' | 'stuck' | 'drop'; reason: string; instanceIds: string[] }
  | { type: 'paused'; by: string; reason: string | null }
  | { type: 'cancelled'; by: string }
  | { type: 'resumed'; by: string; reason: string | null }
  | { type: 'retired'; terminated: string[]; warmUntil: number | null; leftRunning?: LeftRunning }
  | { type: 'jira'; results: TicketResult[]; fixVersion: string | null; problem: string | null }
  | { type: 'rollback'; by: string; reason: string | null; from: string; oldWarm: boolean }
  | { type: 'released'; version: string; durationMs: number; waves: number; boardsMoved: number }
  /** Goes to the service's release channel as its own message, not into the thread. */
  | { type: 'announce'; version: string; from?: string; entries: ChangelogEntry[]; omitted: number; jiraBaseUrl?: string; threadLink?: string };
