import type { ActionKind, ActionRecord, AuditRecord, StepRecord, ThreadNote } from '../deploy/records.js';
import type { ActionsSeen, AuditEntry, DeployStore, Lease, LeaseStore, Lock, NewDeploy, OutboxItem, StepCommit, StoredDeploy } from '../deploy/store-port.js';
import * as actions from './actions.js';
import { insertAudit, listAudit } from './audit.js';
import { commitStep } from './commit-step.js';
import type { Connection } from './connection.js';
import * as deploys from './deploys.js';
import * as lease from './lease.js';
import * as locks from './locks.js';
import { appliedMigrations, type AppliedMigration } from './migrate.js';
import * as outbox from './outbox.js';
import type { Sql } from './sql.js';
import { listSteps } from './steps.js';

async function insertDeploy(sql: Sql, deploy: NewDeploy, audit: AuditEntry): Promise<StoredDeploy> {
  await deploys.insertDeploy(sql, deploy);
  await insertAudit(sql, deploy.id, audit, deploy.at, { from: null, to: deploy.state });
  return deploys.requireDeploy(sql, deploy.id);
}

export class SqliteDeployStore implements DeployStore, LeaseStore {
  constructor(private readonly conn: Connection) {}

  createDeploy(deploy: NewDeploy, audit: AuditEntry): Promise<StoredDeploy> {
    return this.conn.transaction((sql) => insertDeploy(sql, deploy, audit));
  }

  createDeployUnlessRunning(deploy: NewDeploy, audit: AuditEntry): Promise<{ created: StoredDeploy } | { running: StoredDeploy }> {
    return this.conn.transaction(async (sql) => {
      const [running] = await deploys.listDeploys(sql, { service: deploy.service, kind: deploy.kind, version: deploy.version, unfinished: true, limit: 1 });
      return running ? { running } : { created: await insertDeploy(sql, deploy, audit) };
    });
  }

  getDeploy(id: string): Promise<StoredDeploy | null> {
    return this.conn.serial((sql) => deploys.findDeploy(sql, id));
  }

  listDeploys(filter: deploys.DeployFilter): Promise<StoredDeploy[]> {
    return this.conn.serial((sql) => deploys.listDeploys(sql, filter));
  }

  commitStep(commit: StepCommit): Promise<StoredDeploy> {
    return this.conn.transaction((sql) => commitStep(sql, commit));
  }

  steps(deployId: string): Promise<StepRecord[]> {
    return this.conn.serial((sql) => listSteps(sql, deployId));
  }

  addAction(action: { deployId: string; action: ActionKind; actor: string; reason: string | null; at: number }, seen?: ActionsSeen): Promise<ActionRecord> {
    return this.conn.transaction(async (sql) => {
      if (seen) await actions.requireUnchanged(sql, action.deployId, seen);
      await deploys.touchDeploy(sql, action.deployId, action.at);
      const record = await actions.insertAction(sql, action);
      await insertAudit(sql, action.deployId, { actor: action.actor, action: action.action, reason: action.reason }, action.at);
      return record;
    });
  }

  pendingActions(deployId: string): Promise<ActionRecord[]> {
    return this.conn.serial((sql) => actions.pendingActions(sql, deployId));
  }

  audit(filter: { deployId?: string; limit?: number }): Promise<AuditRecord[]> {
    return this.conn.serial((sql) => listAudit(sql, filter));
  }

  appendAudit(deployId: string | null, entry: AuditEntry, at: number): Promise<void> {
    return this.conn.serial((sql) => insertAudit(sql, deployId, entry, at));
  }

  setSlackMessage(deployId: string, channel: string, ts: string): Promise<void> {
    return this.conn.serial((sql) => deploys.setSlackMessage(sql, deployId, channel, ts));
  }

  markRendered(deployId: string, revision: number, at: number): Promise<void> {
    return this.conn.serial((sql) => deploys.markRendered(sql, deployId, revision, at));
  }

  unrendered(limit: number): Promise<StoredDeploy[]> {
    return this.conn.serial((sql) => deploys.unrenderedDeploys(sql, limit));
  }

  pendingNotes(now: number, limit: number): Promise<OutboxItem[]> {
    return this.conn.serial((sql) => outbox.pendingNotes(sql, now, limit));
  }

  markNoteSending(id: number, at: number, leaseHolder?: string): Promise<void> {
    return this.conn.transaction(async (sql) => {
      if (leaseHolder !== undefined) await lease.requireLiveLease(sql, leaseHolder, at);
      await outbox.markNoteSending(sql, id, at);
    });
  }

  markNoteSent(id: number, ts: string, at: number): Promise<void> {
    return this.conn.serial((sql) => outbox.markNoteSent(sql, id, ts, at));
  }

  markNoteFailed(id: number, error: string, nextAttemptAt: number, mayHaveBeenPosted: boolean): Promise<void> {
    return this.conn.serial((sql) => outbox.markNoteFailed(sql, id, error, nextAttemptAt, mayHaveBeenPosted));
  }

  replaceNote(id: number, instead: ThreadNote, error: string, at: number, audit: AuditEntry): Promise<void> {
    return this.conn.transaction(async (sql) => {
      const { deployId } = await outbox.replaceNote(sql, id, instead, error, at);
      await insertAudit(sql, deployId, audit, at);
    });
  }

  acquireLock(lock: Lock): Promise<{ acquired: true } | { acquired: false; holder: Lock }> {
    return this.conn.transaction((sql) => locks.acquireLock(sql, lock));
  }

  releaseLock(service: string, deployId: string): Promise<void> {
    return this.conn.serial((sql) => locks.releaseLock(sql, service, deployId));
  }

  getLock(service: string): Promise<Lock | null> {
    return this.conn.serial((sql) => locks.findLock(sql, service));
  }

  claimLease(holder: string, now: number, ttlMs: number): Promise<Lease> {
    return this.conn.transaction((sql) => lease.claimLease(sql, holder, now, ttlMs));
  }

  releaseLease(holder: string): Promise<void> {
    return this.conn.serial((sql) => lease.releaseLease(sql, holder));
  }

  lease(): Promise<Lease | null> {
    return this.conn.serial((sql) => lease.findLease(sql));
  }

  /** The schema versions this database has, oldest first. */
  migrationsApplied(): Promise<AppliedMigration[]> {
    return appliedMigrations(this.conn);
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
