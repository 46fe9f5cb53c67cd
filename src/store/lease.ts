import { LeaseLostError, type Lease } from '../deploy/store-port.js';
import type { Sql } from './sql.js';

interface LeaseRow {
  holder: string;
  acquired_at: number;
  heartbeat_at: number;
  expires_at: number;
}

export async function findLease(sql: Sql): Promise<Lease | null> {
  const row = await sql.get<LeaseRow>('SELECT * FROM leader_lease WHERE id = 1');
  return row ? { holder: row.holder, acquiredAt: row.acquired_at, heartbeatAt: row.heartbeat_at, expiresAt: row.expires_at } : null;
}

/** Call inside a transaction, so that two processes finding the lease expired cannot both take it. */
export async function claimLease(sql: Sql, holder: string, now: number, ttlMs: number): Promise<Lease> {
  const current = await findLease(sql);
  if (current && current.holder !== holder && current.expiresAt > now) return current;
  const acquiredAt = current?.holder === holder ? current.acquiredAt : now;
  await sql.run(
    `INSERT INTO leader_lease (id, holder, acquired_at, heartbeat_at, expires_at) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
    [holder, acquiredAt, now, now + ttlMs],
  );
  return { holder, acquiredAt, heartbeatAt: now, expiresAt: now + ttlMs };
}

export async function releaseLease(sql: Sql, holder: string): Promise<void> {
  await sql.run('DELETE FROM leader_lease WHERE id = 1 AND holder = ?', [holder]);
}

/**
 * The fence: call inside the transaction of the write it guards. A process whose lease expired
 * (it stalled, or could not renew) may already have been replaced, so it must not write either.
 */
export async function requireLiveLease(sql: Sql, holder: string, at: number): Promise<void> {
  const lease = await findLease(sql);
  if (!lease || lease.holder !== holder || lease.expiresAt <= at) throw new LeaseLostError(holder);
}
