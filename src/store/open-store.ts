import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from './connection.js';
import { applyMigrations } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { SqliteDeployStore } from './sqlite-deploy-store.js';

export interface StoreOptions {
  /** A file path, or ':memory:' for a database that lives as long as the store. */
  file: string;
  /** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  migrations?: readonly Migration[];
}

export const MEMORY = ':memory:';

/** Opens (creating if needed) the bot's database and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<SqliteDeployStore> {
  if (options.file !== MEMORY) mkdirSync(dirname(options.file), { recursive: true });
  const conn = await Connection.open(options.file, options.busyTimeoutMs ?? 5000);
  try {
    await applyMigrations(conn, options.migrations ?? MIGRATIONS, options.file);
  } catch (err) {
    await conn.close();
    throw err;
  }
  return new SqliteDeployStore(conn);
}
