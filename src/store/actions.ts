import type { ActionKind, ActionRecord } from '../deploy/records.js';
import { StaleWriteError, type ActionsSeen } from '../deploy/store-port.js';
import { requireDeploy } from './deploys.js';
import type { Sql } from './sql.js';

interface ActionRow {
  id: number;
  deploy_id: string;
  action: ActionKind;
  actor: string;
  reason: string | null;
  at: number;
  consumed_at: number | null;
}

function toActionRecord(row: ActionRow): ActionRecord {
  return { id: row.id, deployId: row.deploy_id, action: row.action, actor: row.actor, reason: row.reason, at: row.at, consumedAt: row.consumed_at };
}

export async function insertAction(sql: Sql, action: Omit<ActionRecord, 'id' | 'consumedAt'>): Promise<ActionRecord> {
  const { lastId } = await sql.run('INSERT INTO actions (deploy_id, action, actor, reason, at) VALUES (?, ?, ?, ?, ?)', [
    action.deployId,
    action.action,
    action.actor,
    action.reason,
    action.at,
  ]);
  return { ...action, id: lastId, consumedAt: null };
}

/** Oldest first: the runner applies them in the order users asked. */
export async function pendingActions(sql: Sql, deployId: string): Promise<ActionRecord[]> {
  const rows = await sql.all<ActionRow>('SELECT * FROM actions WHERE deploy_id = ? AND consumed_at IS NULL ORDER BY id', [deployId]);
  return rows.map(toActionRecord);
}

/**
 * Call inside the transaction that records a click: the check that allowed it read `seen`, and a
 * step committed or another click recorded since (in any process) may change its answer.
 */
export async function requireUnchanged(sql: Sql, deployId: string, seen: ActionsSeen): Promise<void> {
  const deploy = await requireDeploy(sql, deployId);
  const pending = (await pendingActions(sql, deployId)).map((a) => a.id);
  const same = deploy.revision === seen.revision && pending.length === seen.pendingActionIds.length && pending.every((id, i) => id === seen.pendingActionIds[i]);
  if (!same) throw new StaleWriteError(deployId);
}

export async function consumeAction(sql: Sql, deployId: string, id: number, at: number): Promise<void> {
  const { changes } = await sql.run('UPDATE actions SET consumed_at = ? WHERE id = ? AND deploy_id = ? AND consumed_at IS NULL', [at, id, deployId]);
  if (changes === 0) throw new Error(`action ${id} is not a pending action of deploy ${deployId}`);
}
