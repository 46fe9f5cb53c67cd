import type { ActionKind, ActionRecord, AuditRecord, DeployKind, DeployRecord, Outcome, StepHold, StepRecord, ThreadNote } from './records.js';

export interface NewDeploy {
  id: string;
  service: string;
  kind: DeployKind;
  version: string;
  state: string;
  actor: string;
  reason: string | null;
  facts: Record<string, unknown>;
  wakeAt: number | null;
  at: number;
}

export interface AuditEntry {
  actor: string;
  action: string;
  reason?: string | null;
  data?: Record<string, unknown> | null;
}

/** One step's outcome, written in a single transaction before the next step begins. */
export interface StepCommit {
  deployId: string;
  /** Guards against two writers: the commit fails unless the row is still in this state and revision. */
  expectedRevision: number;
  fromState: string;
  toState: string;
  facts: Record<string, unknown>;
  wakeAt: number | null;
  outcome: Outcome | null;
  finishedAt: number | null;
  startedAt: number;
  at: number;
  summary: string | null;
  audit: AuditEntry[];
  consumedActionIds: number[];
  notes: ThreadNote[];
  /** The runner's question after a failed step; absent or null clears it (the step went through). */
  hold?: StepHold | null;
  /**
   * Set by the leader's runner: the commit is refused (LeaseLostError) unless this holder's lease
   * is live at `at`, so a deposed leader's step in flight ends like a crash of that step.
   */
  leaseHolder?: string;
}

/** What a check of a user's click read: recording it is refused if either changed since. */
export interface ActionsSeen {
  revision: number;
  pendingActionIds: readonly number[];
}

export interface OutboxItem {
  id: number;
  deployId: string;
  note: ThreadNote;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /**
   * Set while a post of this note may have reached Slack unconfirmed (the bot died, or the call
   * failed in a way that does not say whether Slack took it): when the first such post began.
   */
  sendingSince: number | null;
}

export interface Lock {
  service: string;
  deployId: string;
  holder: string;
  reason: string;
  since: number;
}

/** The one row that says which bot process acts; the others answer Slack only. */
export interface Lease {
  holder: string;
  acquiredAt: number;
  heartbeatAt: number;
  expiresAt: number;
}

export type StoredDeploy = DeployRecord & {
  /** Increments with every committed step or Slack-visible change. */
  revision: number;
  /** The revision last shown in the parent Slack message. */
  renderedRevision: number;
  renderedAt: number | null;
};

export class StaleWriteError extends Error {
  constructor(deployId: string) {
    super(`deploy ${deployId} changed under this writer; nothing was written`);
    this.name = 'StaleWriteError';
  }
}

export class LeaseLostError extends Error {
  constructor(holder: string) {
    super(`${holder} does not hold a live leader lease; nothing was written`);
    this.name = 'LeaseLostError';
  }
}

export interface DeployStore {
  /** Creates the deploy and its first audit entry atomically. */
  createDeploy(deploy: NewDeploy, audit: AuditEntry): Promise<StoredDeploy>;
  /** The same, unless an unfinished deploy of its kind, service and version exists: that one is returned and nothing is written. */
  createDeployUnlessRunning(deploy: NewDeploy, audit: AuditEntry): Promise<{ created: StoredDeploy } | { running: StoredDeploy }>;
  getDeploy(id: string): Promise<StoredDeploy | null>;
  listDeploys(filter: { service?: string; kind?: DeployKind; unfinished?: boolean; version?: string; limit?: number }): Promise<StoredDeploy[]>;
  /** Throws StaleWriteError when expectedRevision does not match, LeaseLostError when `leaseHolder` is not the live holder. */
  commitStep(commit: StepCommit): Promise<StoredDeploy>;
  steps(deployId: string): Promise<StepRecord[]>;

  /**
   * Records a user's action and its audit entry; the runner consumes it in a later step. With
   * `seen`, refused (StaleWriteError) when the deploy or its pending actions changed since the
   * check read them, so two clicks checked at the same moment in two processes record one.
   */
  addAction(action: { deployId: string; action: ActionKind; actor: string; reason: string | null; at: number }, seen?: ActionsSeen): Promise<ActionRecord>;
  pendingActions(deployId: string): Promise<ActionRecord[]>;

  audit(filter: { deployId?: string; limit?: number }): Promise<AuditRecord[]>;
  appendAudit(deployId: string | null, entry: AuditEntry, at: number): Promise<void>;

  /** Slack bookkeeping: where the parent message is and which revision it shows. */
  setSlackMessage(deployId: string, channel: string, ts: string): Promise<void>;
  markRendered(deployId: string, revision: number, at: number): Promise<void>;
  /** Deploys whose parent message is behind their revision (or not posted yet). */
  unrendered(limit: number): Promise<StoredDeploy[]>;

  /** Thread notes not yet delivered, oldest first, at most one deploy's queue blocked by another's. */
  pendingNotes(now: number, limit: number): Promise<OutboxItem[]>;
  /**
   * Written before the note is posted, so that a bot dying before markNoteSent knows to look for
   * it. Refused (LeaseLostError) unless `leaseHolder` holds a live lease at `at`.
   */
  markNoteSending(id: number, at: number, leaseHolder?: string): Promise<void>;
  markNoteSent(id: number, ts: string, at: number): Promise<void>;
  /** `mayHaveBeenPosted` false (Slack refused it, or nothing was sent) ends the note's time in flight. */
  markNoteFailed(id: number, error: string, nextAttemptAt: number, mayHaveBeenPosted: boolean): Promise<void>;
  /**
   * Gives up on a note Slack refused for good: another note (saying so) takes its place in the
   * thread, with the refusal and an audit entry written in the same transaction.
   */
  replaceNote(id: number, instead: ThreadNote, error: string, at: number, audit: AuditEntry): Promise<void>;

  /** Atomically takes the service's release lock, or returns who holds it. */
  acquireLock(lock: Lock): Promise<{ acquired: true } | { acquired: false; holder: Lock }>;
  releaseLock(service: string, deployId: string): Promise<void>;
  getLock(service: string): Promise<Lock | null>;

  close(): Promise<void>;
}

/** The leader lease, shared by every bot process on one database. */
export interface LeaseStore {
  /**
   * Takes the lease when it is free or expired at `now`, or renews it when `holder` has it, until
   * `now + ttlMs`. Returns the lease as it stands afterwards, whoever holds it.
   */
  claimLease(holder: string, now: number, ttlMs: number): Promise<Lease>;
  /** Gives the lease up at once (graceful stop); a holder that lost it changes nothing. */
  releaseLease(holder: string): Promise<void>;
  lease(): Promise<Lease | null>;
}
