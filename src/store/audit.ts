import type { AuditRecord } from '../deploy/records.js';
import type { AuditEntry } from '../deploy/store-port.js';
import type { Param, Sql } from './sql.js';

interface AuditRow {
  id: number;
  deploy_id: string | null;
  at: number;
  actor: string;
  action: string;
  reason: string | null;
  from_state: string | null;
  to_state: string | null;
  data: string | null;
}

export interface StateChange {
  from: string | null;
  to: string | null;
}

const NO_CHANGE: StateChange = { from: null, to: null };

export async function insertAudit(sql: Sql, deployId: string | null, entry: AuditEntry, at: number, change: StateChange = NO_CHANGE): Promise<void> {
  await sql.run(
    'INSERT INTO audit (deploy_id, at, actor, action, reason, from_state, to_state, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [deployId, at, entry.actor, entry.action, entry.reason ?? null, change.from, change.to, entry.data ? JSON.stringify(entry.data) : null],
  );
}

/** Newest first, so that a limit keeps the latest entries. */
export async function listAudit(sql: Sql, filter: { deployId?: string; limit?: number }): Promise<AuditRecord[]> {
  const params: Param[] = filter.deployId === undefined ? [] : [filter.deployId];
  const rows = await sql.all<AuditRow>(
    `SELECT * FROM audit ${filter.deployId === undefined ? '' : 'WHERE deploy_id = ?'} ORDER BY id DESC LIMIT ?`,
    [...params, filter.limit ?? -1],
  );
  return rows.map((row) => ({
    id: row.id,
    deployId: row.deploy_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    reason: row.reason,
    fromState: row.from_state,
    toState: row.to_state,
    data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
  }));
}
