import type { Lock } from '../deploy/store-port.js';
import type { Sql } from './sql.js';

interface LockRow {
  service: string;
  deploy_id: string;
  holder: string;
  reason: string;
  since: number;
}

export async function findLock(sql: Sql, service: string): Promise<Lock | null> {
  const row = await sql.get<LockRow>('SELECT * FROM locks WHERE service = ?', [service]);
  return row ? { service: row.service, deployId: row.deploy_id, holder: row.holder, reason: row.reason, since: row.since } : null;
}

/** Call inside a transaction. The same deploy asking again keeps the lock it has, with its original reason and time. */
export async function acquireLock(sql: Sql, lock: Lock): Promise<{ acquired: true } | { acquired: false; holder: Lock }> {
  await sql.run('INSERT INTO locks (service, deploy_id, holder, reason, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT (service) DO NOTHING', [
    lock.service,
    lock.deployId,
    lock.holder,
    lock.reason,
    lock.since,
  ]);
  const holder = await findLock(sql, lock.service);
  if (!holder) throw new Error(`the lock of ${lock.service} vanished while it was being taken`);
  return holder.deployId === lock.deployId ? { acquired: true } : { acquired: false, holder };
}

/** Only the holding deploy can release: a late release from an old deploy must not free a newer one's lock. */
export async function releaseLock(sql: Sql, service: string, deployId: string): Promise<void> {
  await sql.run('DELETE FROM locks WHERE service = ? AND deploy_id = ?', [service, deployId]);
}
