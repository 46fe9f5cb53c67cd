import { DependencyError } from '../deploy/ports.js';

/**
 * Problems of the environment rather than of the bot's logic: callers must stop safely and say so,
 * not retry blindly or report a bug.
 */
const ENVIRONMENTAL: Record<string, string> = {
  SQLITE_BUSY: "the bot's database is locked by another process (SQLITE_BUSY)",
  SQLITE_LOCKED: "the bot's database is locked (SQLITE_LOCKED)",
  SQLITE_FULL: "the disk holding the bot's database is full (SQLITE_FULL)",
  SQLITE_IOERR: "the bot's database could not be read or written: disk I/O error (SQLITE_IOERR)",
  SQLITE_CANTOPEN: "the bot's database file cannot be opened (SQLITE_CANTOPEN)",
  SQLITE_READONLY: "the bot's database is read-only (SQLITE_READONLY)",
  SQLITE_CORRUPT: "the bot's database file is corrupt (SQLITE_CORRUPT)",
  SQLITE_NOTADB: "the bot's database file is not a sqlite database (SQLITE_NOTADB)",
};

/** Turns environmental sqlite errors into DependencyError('store'); anything else is returned unchanged. */
export function storeError(err: unknown, file: string): unknown {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return err;
  const problem = ENVIRONMENTAL[code];
  if (problem === undefined) return err;
  return new DependencyError('store', `${problem}: ${file}`, undefined, code);
}
