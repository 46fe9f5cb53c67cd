import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../src/deploy/ports.js';
import { Connection } from '../../src/store/connection.js';
import { applyMigrations } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { SqliteDeployStore } from '../../src/store/sqlite-deploy-store.js';
import { storeError } from '../../src/store/store-errors.js';
import { newDeploy, stepFrom, tempDirs } from './fixtures.js';
import { openRaw } from './raw-sqlite.js';

const dirs = tempDirs();
afterEach(() => dirs.removeAll());

const sqliteError = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}`), { code });

describe('store errors', () => {
  it('reports a database locked by another process as a store dependency problem, and recovers once it is free', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    const store = await openStore({ file, busyTimeoutMs: 20 });
    const other = await openRaw(file);
    await other.run('BEGIN EXCLUSIVE');

    const creating = store.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
    await expect(creating).rejects.toBeInstanceOf(DependencyError);
    await expect(creating).rejects.toMatchObject({ system: 'store', code: 'SQLITE_BUSY', message: expect.stringContaining("the bot's database is locked") });

    await other.run('ROLLBACK');
    await other.close();
    await expect(store.createDeploy(newDeploy(), { actor: 'U1', action: 'request' })).resolves.toMatchObject({ id: 'dep-1' });
    await store.close();
  });

  it('writes nothing of a step that meets a full database (SQLITE_FULL) and says the disk is full', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    const conn = await Connection.open(file, 20);
    await applyMigrations(conn, MIGRATIONS, file);
    const store = new SqliteDeployStore(conn);
    const created = await store.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
    // The database may not grow by a single page: sqlite's own SQLITE_FULL, as on a full disk.
    await conn.serial((sql) => sql.get('PRAGMA max_page_count = 1'));

    const step = stepFrom(created, { toState: 'launching', facts: { launched: 'i-0abc'.repeat(4000) }, notes: [{ type: 'text', text: 'launched' }], audit: [{ actor: 'release-bot', action: 'launched' }] });
    await expect(store.commitStep(step)).rejects.toMatchObject({ system: 'store', code: 'SQLITE_FULL', message: expect.stringContaining(`the disk holding the bot's database is full (SQLITE_FULL): ${file}`) });

    expect(await store.getDeploy(created.id)).toMatchObject({ state: 'requested', revision: created.revision, facts: created.facts });
    expect(await store.steps(created.id)).toEqual([]);
    expect((await store.audit({ deployId: created.id })).map((a) => a.action)).toEqual(['request']);
    expect(await store.pendingNotes(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    await store.close();
  });

  it('reports a file that is not a database as a store dependency problem', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    writeFileSync(file, 'this is not a sqlite database, just some text long enough to have a header..........');

    await expect(openStore({ file })).rejects.toMatchObject({ system: 'store', code: 'SQLITE_NOTADB', message: expect.stringContaining(file) });
  });

  it.each([
    ['SQLITE_FULL', 'database or disk is full', 'disk holding the bot\'s database is full'],
    ['SQLITE_IOERR', 'disk I/O error', 'disk I/O error (SQLITE_IOERR)'],
  ])('turns %s into a DependencyError that says what happened', (code, message, says) => {
    const err = storeError(sqliteError(code, message), 'data/bot.sqlite');

    expect(err).toBeInstanceOf(DependencyError);
    expect(err).toMatchObject({ system: 'store', code, message: expect.stringContaining(says) });
  });

  it('leaves errors that are the bot\'s own mistakes as they are', () => {
    const constraint = sqliteError('SQLITE_CONSTRAINT', 'UNIQUE constraint failed: deploys.id');

    expect(storeError(constraint, 'data/bot.sqlite')).toBe(constraint);
  });
});
