import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../src/deploy/ports.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { T0, newDeploy, tempDirs } from './fixtures.js';
import { openRaw } from './raw-sqlite.js';

const dirs = tempDirs();
afterEach(() => dirs.removeAll());

describe('schema migrations', () => {
  it('numbers migrations 1, 2, 3… in order so that versions compare meaningfully', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('applies every migration once on a new database, creating its parent directory', async () => {
    const file = join(dirs.make(), 'nested', 'dir', 'bot.sqlite');
    const store = await openStore({ file });
    const applied = await store.migrationsApplied();
    await store.close();

    expect(applied.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
    const raw = await openRaw(file);
    const tables = await raw.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const [mode] = await raw.all<{ journal_mode: string }>('PRAGMA journal_mode');
    await raw.close();
    expect(tables.map((t) => t.name)).toEqual(['actions', 'audit', 'deploys', 'leader_lease', 'locks', 'outbox', 'schema_migrations', 'steps']);
    expect(mode.journal_mode).toBe('wal');
  });

  it('re-opening an up-to-date database changes nothing', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    const first = await openStore({ file });
    const before = await first.migrationsApplied();
    await first.close();

    const second = await openStore({ file });
    const after = await second.migrationsApplied();
    await second.close();

    expect(after).toEqual(before);
  });

  it('keeps the unsent notes of a database from before posts in flight were recorded, none of them in flight', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    const old = await openStore({ file, migrations: MIGRATIONS.filter((m) => m.version === 1) });
    const created = await old.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
    await old.setSlackMessage(created.id, 'C1', '1.0');
    await old.close();
    // A note queued by a bot of schema version 1, written as that bot wrote it.
    const raw = await openRaw(file);
    await raw.run('INSERT INTO outbox (deploy_id, note, created_at, next_attempt_at) VALUES (?, ?, ?, ?)', [created.id, JSON.stringify({ type: 'text', text: 'launching' }), T0, T0]);
    await raw.close();

    const store = await openStore({ file });
    const notes = await store.pendingNotes(T0 + 1000, 10);
    await store.close();

    expect(notes).toMatchObject([{ note: { type: 'text', text: 'launching' }, attempts: 0, sendingSince: null }]);
  });

  it('refuses a database whose schema is newer than this code knows, saying which versions', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    await (await openStore({ file })).close();
    const raw = await openRaw(file);
    const future = MIGRATIONS.length + 1;
    await raw.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [future, 'from-the-future', 0]);
    await raw.close();

    const opening = openStore({ file });
    await expect(opening).rejects.toBeInstanceOf(DependencyError);
    await expect(opening).rejects.toMatchObject({
      system: 'store',
      code: 'SchemaTooNew',
      message: expect.stringContaining(`schema version ${future} but this release-bot only knows up to version ${MIGRATIONS.length}`),
    });
  });

  it('applies each migration in its own transaction: a failing one keeps the earlier ones and none of its own statements', async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    const good = { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER);' };
    const broken = { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);' };

    await expect(openStore({ file, migrations: [good, broken] })).rejects.toThrow(/no such table: missing/);

    const raw = await openRaw(file);
    const tables = await raw.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const versions = await raw.all<{ version: number }>('SELECT version FROM schema_migrations');
    await raw.close();
    expect(tables.map((t) => t.name)).toEqual(['a', 'schema_migrations']);
    expect(versions).toEqual([{ version: 1 }]);

    const fixed = { version: 2, name: 'fixed', sql: 'CREATE TABLE b (x INTEGER);' };
    const store = await openStore({ file, migrations: [good, fixed] });
    expect((await store.migrationsApplied()).map((m) => m.name)).toEqual(['good', 'fixed']);
    await store.close();
  });
});
