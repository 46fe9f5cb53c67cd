import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewDeploy, StepCommit, StoredDeploy } from '../../src/deploy/store-port.js';

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
