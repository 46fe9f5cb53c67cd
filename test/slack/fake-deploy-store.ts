import type { ActionRecord, AuditRecord, StepRecord, ThreadNote } from '../../src/deploy/records.js';
import {
  StaleWriteError,
  type AuditEntry,
  type DeployStore,
  type Lock,
  type NewDeploy,
  type OutboxItem,
  type StepCommit,
  type StoredDeploy,
} from '../../src/deploy/store-port.js';

type OutboxRow = OutboxItem & { sentAt: number | null; slackTs: string | null };

const clone = <T>(value: T): T => structuredClone(value);

/**
 * An in-memory DeployStore written against store-port.ts, with the outbox rules the contract
 * describes: notes are offered oldest first, only once the deploy has a parent message, and a
 * note waiting for its retry holds back the later notes of its own deploy only.
 */
export class FakeDeployStore implements DeployStore {
  private readonly deploys = new Map<string, StoredDeploy>();
  private readonly stepLog: StepRecord[] = [];
  private readonly actions: ActionRecord[] = [];
  private readonly auditLog: AuditRecord[] = [];
  readonly outbox: OutboxRow[] = [];
  private readonly locks = new Map<string, Lock>();
  private nextId = 1;

  async createDeploy(deploy: NewDeploy, audit: AuditEntry): Promise<StoredDeploy> {
    if (this.deploys.has(deploy.id)) throw new Error(`deploy ${deploy.id} exists`);
    this.deploys.set(deploy.id, {
      id: deploy.id,
      service: deploy.service,
      kind: deploy.kind,
      version: deploy.version,
      state: deploy.state,
      outcome: null,
      actor: deploy.actor,
      reason: deploy.reason,
      createdAt: deploy.at,
      updatedAt: deploy.at,
      wakeAt: deploy.wakeAt,
      finishedAt: null,
      facts: clone(deploy.facts),
      slackChannel: null,
      slackTs: null,
      revision: 1,
      renderedRevision: 0,
      renderedAt: null,
      hold: null,
    });
    await this.appendAudit(deploy.id, audit, deploy.at);
    return this.require(deploy.id);
  }

  async createDeployUnlessRunning(deploy: NewDeploy, audit: AuditEntry): Promise<{ created: StoredDeploy } | { running: StoredDeploy }> {
    const [running] = await this.listDeploys({ service: deploy.service, kind: deploy.kind, version: deploy.version, unfinished: true });
    return running ? { running } : { created: await this.createDeploy(deploy, audit) };
  }

  async getDeploy(id: string): Promise<StoredDeploy | null> {
    const deploy = this.deploys.get(id);
    return deploy ? clone(deploy) : null;
  }

  async listDeploys(filter: { service?: string; kind?: StoredDeploy['kind']; unfinished?: boolean; version?: string; limit?: number }): Promise<StoredDeploy[]> {
    return [...this.deploys.values()]
      .filter((d) => (filter.service === undefined || d.service === filter.service) && (filter.kind === undefined || d.kind === filter.kind))
      .filter((d) => (filter.version === undefined || d.version === filter.version) && (!filter.unfinished || d.finishedAt === null))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, filter.limit ?? Infinity)
      .map(clone);
  }

  async commitStep(commit: StepCommit): Promise<StoredDeploy> {
    const deploy = this.deploys.get(commit.deployId);
    if (!deploy) throw new Error(`deploy ${commit.deployId} does not exist`);
    if (deploy.revision !== commit.expectedRevision || deploy.state !== commit.fromState) throw new StaleWriteError(commit.deployId);
    Object.assign(deploy, {
      state: commit.toState,
      facts: clone(commit.facts),
      wakeAt: commit.wakeAt,
      outcome: commit.outcome,
      finishedAt: commit.finishedAt,
      updatedAt: commit.at,
      hold: commit.hold ? clone(commit.hold) : null,
      revision: deploy.revision + 1,
    });
    this.stepLog.push({ deployId: commit.deployId, seq: this.stepLog.length + 1, fromState: commit.fromState, toState: commit.toState, startedAt: commit.startedAt, finishedAt: commit.at, summary: commit.summary });
    for (const entry of commit.audit) await this.appendAudit(commit.deployId, entry, commit.at);
    for (const action of this.actions) if (commit.consumedActionIds.includes(action.id)) action.consumedAt = commit.at;
    for (const note of commit.notes) {
      this.outbox.push({ id: this.nextId++, deployId: commit.deployId, note: clone(note), createdAt: commit.at, attempts: 0, nextAttemptAt: commit.at, lastError: null, sendingSince: null, sentAt: null, slackTs: null });
    }
    return this.require(commit.deployId);
  }

  async steps(deployId: string): Promise<StepRecord[]> {
    return this.stepLog.filter((s) => s.deployId === deployId).map(clone);
  }

  async addAction(action: { deployId: string; action: ActionRecord['action']; actor: string; reason: string | null; at: number }): Promise<ActionRecord> {
    const record: ActionRecord = { id: this.nextId++, ...action, consumedAt: null };
    this.actions.push(record);
    await this.appendAudit(action.deployId, { actor: action.actor, action: action.action, reason: action.reason }, action.at);
    return clone(record);
  }

  async pendingActions(deployId: string): Promise<ActionRecord[]> {
    return this.actions.filter((a) => a.deployId === deployId && a.consumedAt === null).map(clone);
  }

  async audit(filter: { deployId?: string; limit?: number }): Promise<AuditRecord[]> {
    return this.auditLog
      .filter((a) => filter.deployId === undefined || a.deployId === filter.deployId)
      .slice(0, filter.limit ?? Infinity)
      .map(clone);
  }

  async appendAudit(deployId: string | null, entry: AuditEntry, at: number): Promise<void> {
    this.auditLog.push({ id: this.nextId++, deployId, at, actor: entry.actor, action: entry.action, reason: entry.reason ?? null, fromState: null, toState: null, data: entry.data ?? null });
  }

  async setSlackMessage(deployId: string, channel: string, ts: string): Promise<void> {
    Object.assign(this.row(deployId), { slackChannel: channel, slackTs: ts });
  }

  async markRendered(deployId: string, revision: number, at: number): Promise<void> {
    const deploy = this.row(deployId);
    if (deploy.renderedRevision < revision) Object.assign(deploy, { renderedRevision: revision, renderedAt: at });
  }

  async unrendered(limit: number): Promise<StoredDeploy[]> {
    return [...this.deploys.values()]
      .filter((d) => d.revision > d.renderedRevision || d.slackTs === null)
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .slice(0, limit)
      .map(clone);
  }

  async pendingNotes(now: number, limit: number): Promise<OutboxItem[]> {
    const unsent = this.outbox.filter((n) => n.sentAt === null);
    const due = unsent.filter((n) => {
      const head = unsent.find((h) => h.deployId === n.deployId) as OutboxRow;
      return this.deploys.get(n.deployId)?.slackTs !== null && head.nextAttemptAt <= now;
    });
    return due.slice(0, limit).map(({ sentAt: _sentAt, slackTs: _slackTs, ...item }) => clone(item));
  }

  async markNoteSending(id: number, at: number): Promise<void> {
    const note = this.note(id);
    note.sendingSince ??= at;
  }

  async markNoteSent(id: number, ts: string, at: number): Promise<void> {
    Object.assign(this.note(id), { sentAt: at, slackTs: ts });
  }

  async markNoteFailed(id: number, error: string, nextAttemptAt: number, mayHaveBeenPosted: boolean): Promise<void> {
    const note = this.note(id);
    Object.assign(note, { attempts: note.attempts + 1, lastError: error, nextAttemptAt, sendingSince: mayHaveBeenPosted ? note.sendingSince : null });
  }

  async replaceNote(id: number, instead: ThreadNote, error: string, at: number, audit: AuditEntry): Promise<void> {
    const note = this.note(id);
    Object.assign(note, { note: clone(instead), attempts: 0, lastError: error, nextAttemptAt: at, sendingSince: null });
    await this.appendAudit(note.deployId, audit, at);
  }

  async acquireLock(lock: Lock): Promise<{ acquired: true } | { acquired: false; holder: Lock }> {
    const holder = this.locks.get(lock.service);
    if (holder && holder.deployId !== lock.deployId) return { acquired: false, holder: clone(holder) };
    this.locks.set(lock.service, clone(lock));
    return { acquired: true };
  }

  async releaseLock(service: string, deployId: string): Promise<void> {
    if (this.locks.get(service)?.deployId === deployId) this.locks.delete(service);
  }

  async getLock(service: string): Promise<Lock | null> {
    const lock = this.locks.get(service);
    return lock ? clone(lock) : null;
  }

  async close(): Promise<void> {}

  private require(id: string): StoredDeploy {
    return clone(this.row(id));
  }

  private row(id: string): StoredDeploy {
    const deploy = this.deploys.get(id);
    if (!deploy) throw new Error(`deploy ${id} does not exist`);
    return deploy;
  }

  private note(id: number): OutboxRow {
    const note = this.outbox.find((n) => n.id === id);
    if (!note) throw new Error(`note ${id} does not exist`);
    return note;
  }
}
