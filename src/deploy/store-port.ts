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

export type StoredDeploy = DeployRecord & {
  /** Increments with every committed step or Slack-visible change. */
  revision: number;
  /** The revision last shown in the parent Slack message. */
  renderedRevision: number;
  renderedAt: number | null;
};

export class StaleWriteError extends Error {
  constructor(deployId: string) {
    super(`deploy ${deployId} changed under this writer; its step was not committed`);
    this.name = 'StaleWriteError';
  }
}

export interface DeployStore {
  /** Creates the deploy and its first audit entry atomically. */
  createDeploy(deploy: NewDeploy, audit: AuditEntry): Promise<StoredDeploy>;
  getDeploy(id: string): Promise<StoredDeploy | null>;
  listDeploys(filter: { service?: string; kind?: DeployKind; unfinished?: boolean; version?: string; limit?: number }): Promise<StoredDeploy[]>;
  /** Throws StaleWriteError when expectedRevision does not match. */
  commitStep(commit: StepCommit): Promise<StoredDeploy>;
  steps(deployId: string): Promise<StepRecord[]>;

  /** Records a user's action and its audit entry; the runner consumes it in a later step. */
  addAction(action: { deployId: string; action: ActionKind; actor: string; reason: string | null; at: number }): Promise<ActionRecord>;
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
  /** Written before the note is posted, so that a bot dying before markNoteSent knows to look for it. */
  markNoteSending(id: number, at: number): Promise<void>;
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
