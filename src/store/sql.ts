import sqlite3 from 'sqlite3';
import { storeError } from './store-errors.js';

export type Param = string | number | null;

export interface RunResult {
  changes: number;
  lastId: number;
}

/** The promise face of one sqlite connection. */
export interface Sql {
  run(sql: string, params?: Param[]): Promise<RunResult>;
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

export interface Database extends Sql {
  close(): Promise<void>;
}

export function openDatabase(file: string, busyTimeoutMs: number): Promise<Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) {
        reject(storeError(err, file));
        return;
      }
      db.configure('busyTimeout', busyTimeoutMs);
      resolve(promisify(db, file));
    });
  });
}

function promisify(db: sqlite3.Database, file: string): Database {
  const settle =
    <T>(resolve: (value: T) => void, reject: (reason: unknown) => void) =>
    (err: Error | null, value: T) => {
      if (err) reject(storeError(err, file));
      else resolve(value);
    };
  return {
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
          settle(resolve, reject)(err, { changes: this.changes, lastId: this.lastID });
        });
      }),
    get: <T>(sql: string, params: Param[] = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        db.get<T>(sql, params, (err, row) => settle(resolve, reject)(err, row));
      }),
    all: <T>(sql: string, params: Param[] = []) =>
      new Promise<T[]>((resolve, reject) => {
        db.all<T>(sql, params, (err, rows) => settle(resolve, reject)(err, rows));
      }),
    exec: (sql) =>
      new Promise((resolve, reject) => {
        db.exec(sql, (err) => settle(resolve, reject)(err, undefined));
      }),
    close: () =>
      new Promise((resolve, reject) => {
        db.close((err) => settle(resolve, reject)(err, undefined));
      }),
  };
}
