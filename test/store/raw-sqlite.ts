import sqlite3 from 'sqlite3';

/** A second, plain connection to a store's file: what another process (or an older/newer bot) would see. */
export interface RawDb {
  run(sql: string, params?: unknown[]): Promise<void>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function openRaw(file: string): Promise<RawDb> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      resolve({
        run: (sql, params = []) => new Promise((ok, fail) => db.run(sql, params, (e: Error | null) => (e ? fail(e) : ok()))),
        all: <T>(sql: string, params: unknown[] = []) => new Promise<T[]>((ok, fail) => db.all<T>(sql, params, (e, rows) => (e ? fail(e) : ok(rows)))),
        close: () => new Promise((ok, fail) => db.close((e) => (e ? fail(e) : ok()))),
      });
    });
  });
}
