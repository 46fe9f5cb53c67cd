import { DependencyError } from '../deploy/ports.js';
import type { Connection } from './connection.js';
import type { Migration } from './migrations.js';

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: number;
}

interface MigrationRow {
  version: number;
  name: string;
  applied_at: number;
}

/**
 * Brings the schema up to the newest known version, each migration in its own transaction, and
 * refuses a database written by a newer bot: its schema may mean things this code would break.
 */
export async function applyMigrations(conn: Connection, migrations: readonly Migration[], file: string): Promise<void> {
  await conn.serial((sql) =>
    sql.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)'),
  );
  const applied = new Set((await appliedMigrations(conn)).map((m) => m.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new DependencyError(
      'store',
      `the bot's database ${file} has schema version ${newest} but this release-bot only knows up to version ${known}; run the release-bot that wrote it or restore a backup made by this one`,
      undefined,
      'SchemaTooNew',
    );
  }
  for (const migration of migrations.filter((m) => !applied.has(m.version))) {
    await conn.transaction(async (sql) => {
      // Another process on the same file may have applied it since we looked.
      if (await sql.get('SELECT 1 FROM schema_migrations WHERE version = ?', [migration.version])) return;
      await sql.exec(migration.sql);
      await sql.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, Date.now()]);
    });
  }
}

export async function appliedMigrations(conn: Connection): Promise<AppliedMigration[]> {
  const rows = await conn.serial((sql) => sql.all<MigrationRow>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version'));
  return rows.map((r) => ({ version: r.version, name: r.name, appliedAt: r.applied_at }));
}
