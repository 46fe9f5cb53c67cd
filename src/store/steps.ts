import type { StepRecord } from '../deploy/records.js';
import type { StepCommit } from '../deploy/store-port.js';
import type { Sql } from './sql.js';

interface StepRow {
  deploy_id: string;
  seq: number;
  from_state: string;
  to_state: string;
  started_at: number;
  finished_at: number;
  summary: string | null;
}

export async function insertStep(sql: Sql, commit: StepCommit): Promise<void> {
  await sql.run(
    `INSERT INTO steps (deploy_id, seq, from_state, to_state, started_at, finished_at, summary)
     SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM steps WHERE deploy_id = ?`,
    [commit.deployId, commit.fromState, commit.toState, commit.startedAt, commit.at, commit.summary, commit.deployId],
  );
}

export async function listSteps(sql: Sql, deployId: string): Promise<StepRecord[]> {
  const rows = await sql.all<StepRow>('SELECT * FROM steps WHERE deploy_id = ? ORDER BY seq', [deployId]);
  return rows.map((row) => ({
    deployId: row.deploy_id,
    seq: row.seq,
    fromState: row.from_state,
    toState: row.to_state,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: row.summary,
  }));
}
