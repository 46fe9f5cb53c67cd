import type { DeployKind, Outcome, StepHold } from '../deploy/records.js';
import type { NewDeploy, StoredDeploy } from '../deploy/store-port.js';
import type { Param, Sql } from './sql.js';

interface DeployRow {
  id: string;
  service: string;
  kind: DeployKind;
  version: string;
  state: string;
  outcome: Outcome | null;
  actor: string;
  reason: string | null;
  created_at: number;
  updated_at: number;
  wake_at: number | null;
  finished_at: number | null;
  facts: string;
  slack_channel: string | null;
  slack_ts: string | null;
  revision: number;
  rendered_revision: number;
  rendered_at: number | null;
  hold: string | null;
}

export interface DeployFilter {
  service?: string;
  kind?: DeployKind;
  unfinished?: boolean;
  version?: string;
  limit?: number;
}

function toStoredDeploy(row: DeployRow): StoredDeploy {
  return {
    id: row.id,
    service: row.service,
    kind: row.kind,
    version: row.version,
    state: row.state,
    outcome: row.outcome,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    wakeAt: row.wake_at,
    finishedAt: row.finished_at,
    facts: JSON.parse(row.facts) as Record<string, unknown>,
    slackChannel: row.slack_channel,
    slackTs: row.slack_ts,
    revision: row.revision,
    renderedRevision: row.rendered_revision,
    renderedAt: row.rendered_at,
    hold: row.hold ? (JSON.parse(row.hold) as StepHold) : null,
  };
}

export async function insertDeploy(sql: Sql, deploy: NewDeploy): Promise<void> {
  await sql.run(
    `INSERT INTO deploys (id, service, kind, version, state, actor, reason, created_at, updated_at, wake_at, facts, revision, rendered_revision)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0)`,
    [deploy.id, deploy.service, deploy.kind, deploy.version, deploy.state, deploy.actor, deploy.reason, deploy.at, deploy.at, deploy.wakeAt, JSON.stringify(deploy.facts)],
  );
}

export async function findDeploy(sql: Sql, id: string): Promise<StoredDeploy | null> {
  const row = await sql.get<DeployRow>('SELECT * FROM deploys WHERE id = ?', [id]);
  return row ? toStoredDeploy(row) : null;
}

export async function requireDeploy(sql: Sql, id: string): Promise<StoredDeploy> {
  const deploy = await findDeploy(sql, id);
  if (!deploy) throw new Error(`deploy ${id} does not exist`);
  return deploy;
}

/** Newest first. */
export async function listDeploys(sql: Sql, filter: DeployFilter): Promise<StoredDeploy[]> {
  const where: string[] = [];
  const params: Param[] = [];
  if (filter.service !== undefined) {
    where.push('service = ?');
    params.push(filter.service);
  }
  if (filter.kind !== undefined) {
    where.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter.version !== undefined) {
    where.push('version = ?');
    params.push(filter.version);
  }
  if (filter.unfinished) where.push('finished_at IS NULL');
  const rows = await sql.all<DeployRow>(
    `SELECT * FROM deploys ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    [...params, filter.limit ?? -1],
  );
  return rows.map(toStoredDeploy);
}

export async function touchDeploy(sql: Sql, id: string, at: number): Promise<void> {
  const { changes } = await sql.run('UPDATE deploys SET updated_at = MAX(updated_at, ?) WHERE id = ?', [at, id]);
  if (changes === 0) throw new Error(`deploy ${id} does not exist`);
}

export async function setSlackMessage(sql: Sql, id: string, channel: string, ts: string): Promise<void> {
  const { changes } = await sql.run('UPDATE deploys SET slack_channel = ?, slack_ts = ? WHERE id = ?', [channel, ts, id]);
  if (changes === 0) throw new Error(`deploy ${id} does not exist`);
}

/** Never moves backwards: a slow render of an older revision must not hide a newer one. */
export async function markRendered(sql: Sql, id: string, revision: number, at: number): Promise<void> {
  await sql.run('UPDATE deploys SET rendered_revision = ?, rendered_at = ? WHERE id = ? AND rendered_revision < ?', [revision, at, id, revision]);
}

/** Oldest change first, so that no deploy's message starves behind busier ones. */
export async function unrenderedDeploys(sql: Sql, limit: number): Promise<StoredDeploy[]> {
  const rows = await sql.all<DeployRow>(
    `SELECT * FROM deploys WHERE revision > rendered_revision OR slack_ts IS NULL
     ORDER BY updated_at, rowid LIMIT ?`,
    [limit],
  );
  return rows.map(toStoredDeploy);
}
