import type { ActionsBlock, Button, KnownBlock } from '@slack/web-api';
import type { DrainServer } from '../../../src/deploy/drain.js';
import { initialReleaseFacts, type ReleaseFacts, type ReleasePlan } from '../../../src/deploy/release/facts.js';
import type { DeployRecord } from '../../../src/deploy/records.js';
import { HOUR, MINUTE, NOW } from '../fixtures.js';

export type Release = DeployRecord<ReleaseFacts>;

export const oldId = (i: number) => `i-0old${String(i).padStart(12, '0')}`;
export const newId = (i: number) => `i-0new${String(i).padStart(12, '0')}`;

/** board 1.0.0 → 1.1.0 on `fleet` servers; one canary of 1.1.0 is adopted, one of 0.9.0 replaced. */
export function releasePlan(fleet = 4, patch: Partial<ReleasePlan> = {}): ReleasePlan {
  return {
    fleetSize: fleet,
    oldInstances: [
      ...Array.from({ length: fleet }, (_, i) => ({ instanceId: oldId(i + 1), privateIp: `10.0.2.${i + 1}`, version: '1.0.0', canary: false })),
      { instanceId: 'i-0canary090', privateIp: '10.0.3.9', version: '0.9.0', canary: true },
    ],
    adopt: [{ instanceId: 'i-0canary110', privateIp: '10.0.3.11' }],
    imageId: 'ami-0fe1100',
    imageName: 'board-1.1.0',
    commit: 'c0ffee1',
    fromVersion: '1.0.0',
    fromCommit: 'beef001',
    prerelease: { deployId: 'pr-0a1b2c3d', approvedBy: 'U0BOB0001', soakedMs: 4 * HOUR + 12 * MINUTE, newIssues: 0, decidedAt: NOW - 20 * HOUR },
    overrideReason: null,
    windowOverride: null,
    changelog: { commits: 42, issueKeys: ['BOARD-1', 'BOARD-2', 'BOARD-3'], omitted: 0 },
    ...patch,
  };
}

export function release(patch: Partial<Omit<Release, 'facts'>> = {}, facts: Partial<ReleaseFacts> = {}, plan: ReleasePlan = releasePlan()): Release {
  return {
    id: 're-0a1b2c3d',
    service: 'board',
    kind: 'release',
    version: '1.1.0',
    state: 'planned',
    outcome: null,
    actor: 'U0ALICE01',
    reason: null,
    createdAt: NOW - HOUR,
    updatedAt: NOW - MINUTE,
    wakeAt: null,
    finishedAt: null,
    slackChannel: 'C0DEPLOYS1',
    slackTs: '1732358400.000100',
    hold: null,
    ...patch,
    facts: { ...initialReleaseFacts(plan), ...facts },
  };
}

export function drainServer(instanceId: string, boards: number | null, phase: DrainServer['phase'] = 'serving', wave = 0): DrainServer {
  return { instanceId, phase, boards, unknown: boards === null ? 'up == 0' : null, hookedAt: phase === 'serving' ? null : NOW - 2 * MINUTE, hookAttempts: phase === 'serving' ? 0 : 1, lowReads: phase === 'drained' ? 2 : 0, wave };
}

/**
 * A release `elapsedMs` into its drain: 1 old server drained, 1 draining in wave 2, the rest
 * serving, new servers all healthy. The old servers held 100 boards each (the canary 50).
 */
export function draining(fleet = 4, patch: Partial<Omit<Release, 'facts'>> = {}, elapsedMs = 5 * MINUTE): Release {
  const plan = releasePlan(fleet);
  const launched = Array.from({ length: fleet - 1 }, (_, i) => newId(i + 1));
  const all = [...plan.adopt.map((a) => a.instanceId), ...launched];
  const servers = plan.oldInstances.map((o, i) => (i === 0 ? drainServer(o.instanceId, 0, 'drained', 1) : i === 1 ? drainServer(o.instanceId, 40, 'draining', 2) : drainServer(o.instanceId, o.canary ? 50 : 100)));
  const startedAt = NOW - elapsedMs - 10 * MINUTE;
  return release({ state: 'draining', ...patch }, {
    startedBy: 'U0CAROL01',
    startedAt,
    launchedIds: launched,
    launchedAt: startedAt + MINUTE,
    registeredAt: startedAt + 2 * MINUTE,
    health: Object.fromEntries(all.map((id) => [id, 'healthy'])),
    gate: { startedAt: startedAt + 7 * MINUTE, boards: 30, passedAt: startedAt + 9 * MINUTE },
    closedAt: NOW - elapsedMs,
    drain: {
      servers,
      baselineTotal: 100 * fleet + 50 + 30,
      newBoards: Object.fromEntries(all.map((id) => [id, Math.round((160 + 30) / all.length)])),
      wave: 2,
      startedAt: NOW - elapsedMs,
      dropSince: null,
    oldBoardsAtStart: 100 * fleet + 50,
      quietUntil: null,
      forced: [],
    },
  }, plan);
}

export function buttons(blocks: KnownBlock[]): Button[] {
  return blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements as Button[]);
}

export function actionIds(blocks: KnownBlock[]): string[] {
  return buttons(blocks).map((b) => b.action_id as string);
}
