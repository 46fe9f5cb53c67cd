import type { ThreadNote } from '../deploy/records.js';
import type { OutboxItem } from '../deploy/store-port.js';
import type { Sql } from './sql.js';

interface OutboxRow {
  id: number;
  deploy_id: string;
  note: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sending_since: number | null;
}

export async function enqueueNote(sql: Sql, deployId: string, note: ThreadNote, at: number): Promise<void> {
  await sql.run('INSERT INTO outbox (deploy_id, note, created_at, next_attempt_at) VALUES (?, ?, ?, ?)', [deployId, JSON.stringify(note), at, at]);
}

/**
 * Every unsent note of each deploy whose oldest unsent note is due, oldest first: a note waiting
 * for a retry holds back the later notes of its own thread (which must keep their order) and
 * nobody else's. The caller stops a deploy's batch at its first failure. Notes of a deploy whose
 * parent message is not posted yet have no thread to go to.
 */
export async function pendingNotes(sql: Sql, now: number, limit: number): Promise<OutboxItem[]> {
  const rows = await sql.all<OutboxRow>(
    `SELECT o.id, o.deploy_id, o.note, o.created_at, o.attempts, o.next_attempt_at, o.last_error, o.sending_since
     FROM (SELECT deploy_id, MIN(id) AS id FROM outbox WHERE sent_at IS NULL GROUP BY deploy_id) head
     JOIN outbox h ON h.id = head.id
     JOIN outbox o ON o.deploy_id = head.deploy_id AND o.sent_at IS NULL
     JOIN deploys d ON d.id = o.deploy_id
     WHERE d.slack_ts IS NOT NULL AND h.next_attempt_at <= ?
     ORDER BY o.id LIMIT ?`,
    [now, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    deployId: row.deploy_id,
    note: JSON.parse(row.note) as ThreadNote,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    sendingSince: row.sending_since,
  }));
}

/** Keeps the earliest start: a post that began then may be the one Slack has. */
export async function markNoteSending(sql: Sql, id: number, at: number): Promise<void> {
  await sql.run('UPDATE outbox SET sending_since = COALESCE(sending_since, ?) WHERE id = ?', [at, id]);
}

export async function markNoteSent(sql: Sql, id: number, ts: string, at: number): Promise<void> {
  await sql.run('UPDATE outbox SET sent_at = ?, slack_ts = ? WHERE id = ?', [at, ts, id]);
}

export async function markNoteFailed(sql: Sql, id: number, error: string, nextAttemptAt: number, mayHaveBeenPosted: boolean): Promise<void> {
  await sql.run('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, sending_since = CASE WHEN ? THEN sending_since END WHERE id = ?', [
    error,
    nextAttemptAt,
    mayHaveBeenPosted ? 1 : 0,
    id,
  ]);
}

/** Puts another note in this one's place in its thread, due now; the refusal that caused it stays on record. */
export async function replaceNote(sql: Sql, id: number, instead: ThreadNote, error: string, at: number): Promise<{ deployId: string }> {
  const row = await sql.get<{ deploy_id: string }>('SELECT deploy_id FROM outbox WHERE id = ? AND sent_at IS NULL', [id]);
  if (!row) throw new Error(`outbox note ${id} does not exist or was sent`);
  await sql.run('UPDATE outbox SET note = ?, attempts = 0, last_error = ?, next_attempt_at = ?, sending_since = NULL WHERE id = ?', [JSON.stringify(instead), error, at, id]);
  return { deployId: row.deploy_id };
}
