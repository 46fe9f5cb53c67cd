import { StaleWriteError, type AuditEntry, type StepCommit, type StoredDeploy } from '../deploy/store-port.js';
import { consumeAction } from './actions.js';
import { insertAudit } from './audit.js';
import { findDeploy, requireDeploy } from './deploys.js';
import { requireLiveLease } from './lease.js';
import { enqueueNote } from './outbox.js';
import type { Sql } from './sql.js';
import { insertStep } from './steps.js';

const BOT_ACTOR = 'release-bot';

/** Call inside a transaction: everything a step learned and asked for is written together or not at all. */
export async function commitStep(sql: Sql, commit: StepCommit): Promise<StoredDeploy> {
  if (commit.leaseHolder !== undefined) await requireLiveLease(sql, commit.leaseHolder, commit.at);
  const current = await findDeploy(sql, commit.deployId);
  if (!current) throw new Error(`deploy ${commit.deployId} does not exist; its step was not committed`);
  if (current.revision !== commit.expectedRevision || current.state !== commit.fromState) throw new StaleWriteError(commit.deployId);

  await sql.run(
    `UPDATE deploys SET state = ?, facts = ?, wake_at = ?, outcome = ?, finished_at = ?, updated_at = ?, hold = ?, revision = revision + 1
     WHERE id = ?`,
    [commit.toState, JSON.stringify(commit.facts), commit.wakeAt, commit.outcome, commit.finishedAt, commit.at, commit.hold ? JSON.stringify(commit.hold) : null, commit.deployId],
  );
  await insertStep(sql, commit);
  const change = { from: commit.fromState, to: commit.toState };
  for (const entry of auditTrail(commit)) await insertAudit(sql, commit.deployId, entry, commit.at, change);
  for (const id of commit.consumedActionIds) await consumeAction(sql, commit.deployId, id, commit.at);
  for (const note of commit.notes) await enqueueNote(sql, commit.deployId, note, commit.at);
  return requireDeploy(sql, commit.deployId);
}

/** Every state change is audited, even when the step did not say who asked for it: the bot did. */
function auditTrail(commit: StepCommit): AuditEntry[] {
  if (commit.audit.length > 0 || commit.fromState === commit.toState) return commit.audit;
  return [{ actor: BOT_ACTOR, action: `state:${commit.fromState}->${commit.toState}` }];
}
