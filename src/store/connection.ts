import { Mutex } from './mutex.js';
import { openDatabase, type Database, type Sql } from './sql.js';

/**
 * One sqlite connection shared by the whole process. Node interleaves async statements on it, so a
 * statement issued while another caller's transaction is open would join that transaction: every
 * use, transactional or not, is serialised through one mutex.
 */
export class Connection {
  private readonly mutex = new Mutex();

  private constructor(private readonly db: Database) {}

  static async open(file: string, busyTimeoutMs: number): Promise<Connection> {
    const db = await openDatabase(file, busyTimeoutMs);
    try {
      await db.exec('PRAGMA journal_mode = WAL');
      await db.exec('PRAGMA foreign_keys = ON');
    } catch (err) {
      await db.close();
      throw err;
    }
    return new Connection(db);
  }

  /** Runs statements alone on the connection, without a transaction. */
  serial<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.mutex.run(() => work(this.db));
  }

  /** All or nothing: the write lock is taken up front so the transaction cannot fail half-way on BUSY. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      await this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.db);
        await this.db.exec('COMMIT');
        return result;
      } catch (err) {
        // sqlite already rolls back by itself after some errors (FULL, IOERR); the original error is what matters.
        await this.db.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  close(): Promise<void> {
    return this.mutex.run(() => this.db.close());
  }
}
