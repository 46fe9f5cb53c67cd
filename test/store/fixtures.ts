import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { NewDeploy, StepCommit, StoredDeploy } from '../../src/deploy/store-port.js';
import { openStore } from '../../src/store/open-store.js';
import type { SqliteDeployStore } from '../../src/store/sqlite-deploy-store.js';

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

export function newDeploy(overrides: Partial<NewDeploy> = {}): NewDeploy {
  return {
    id: 'dep-1',
    service: 'boards',
    kind: 'prerelease',
    version: '1.4.0',
    state: 'requested',
    actor: 'U123',
    reason: null,
    facts: { canaries: 1 },
    wakeAt: T0,
    at: T0,
    ...overrides,
  };
}

export function stepFrom(deploy: StoredDeploy, overrides: Partial<StepCommit> = {}): StepCommit {
  return {
    deployId: deploy.id,
    expectedRevision: deploy.revision,
    fromState: deploy.state,
    toState: deploy.state,
    facts: deploy.facts,
    wakeAt: deploy.wakeAt,
    outcome: null,
    finishedAt: null,
    startedAt: deploy.updatedAt,
    at: deploy.updatedAt + 1000,
    summary: null,
    audit: [],
    consumedActionIds: [],
    notes: [],
    ...overrides,
  };
}

/** A fresh directory per test, removed afterwards. */
export function tempDirs(): { make(): string; removeAll(): void } {
  const dirs: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'release-bot-store-'));
      dirs.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Two connections to one new database file per test, as two bot processes on one DATA_DIR have;
 * opened before each test, closed and removed after it.
 */
export function storesOnOneFile(): { a: SqliteDeployStore; b: SqliteDeployStore } {
  const dirs = tempDirs();
  const pair = {} as { a: SqliteDeployStore; b: SqliteDeployStore };
  beforeEach(async () => {
    const file = join(dirs.make(), 'bot.sqlite');
    pair.a = await openStore({ file });
    pair.b = await openStore({ file });
  });
  afterEach(async () => {
    await pair.a.close();
    await pair.b.close();
    dirs.removeAll();
  });
  return pair;
}
