// What every release step works with, the release's own and the rollback's alike: its context and
// result, moving between states, pausing to ask, and the drain's pieces.
import type { DrainPolicy, DrainServer } from '../drain.js';
import type { BoardCount, BoardCounts, Changelog, DrainHook, Fleet, Tickets } from '../ports.js';
import type { ActionRecord, ThreadNote } from '../records.js';
import type { StepContext, StepResult } from '../workflow.js';
import type { PauseQuestion, ReleaseFacts, ReleaseState } from './facts.js';

export interface ReleaseWorkflowOptions {
  fleet: Fleet;
  boards: BoardCounts;
  drainHook: DrainHook;
  /** Null when Jira is not configured: nothing is closed. */
  tickets: Tickets | null;
  changelog: Changelog;
  jiraBaseUrl?: string;
}

export type Ctx = StepContext<ReleaseFacts>;

/**
 * Users of a drained server are out of their boards for a moment while they reconnect, so the
 * total dips during every wave. Only a fall that lasts this long is a loss worth pausing for.
 */
export const DROP_PERSISTS_MS = 15_000;
export type Result = StepResult<ReleaseFacts>;

export const to = (state: ReleaseState, facts: ReleaseFacts, wakeAt: number | null, extra: Partial<Result> = {}): Result => ({ state, facts, wakeAt, ...extra });

/** How often instances on their way in or out are looked at. */
export const instancePoll = (ctx: Ctx) => Math.min(5_000, ctx.service.drain?.pollInterval ?? 5_000);

export function drainPolicy(ctx: Ctx): DrainPolicy {
  const drain = ctx.service.drain;
  if (!drain) throw new Error(`${ctx.service.name} has no drain configuration`);
  return { capacity: drain.capacity, residual: drain.residual, serverTimeoutMs: drain.serverTimeout, maxBoardsPerWave: drain.maxBoardsPerWave, totalDropTolerance: drain.totalDropTolerance };
}

export const freshServer = (instanceId: string): DrainServer => ({ instanceId, phase: 'serving', boards: null, unknown: null, hookedAt: null, hookAttempts: 0, lowReads: 0, wave: 0 });

export function knownTotal(reads: BoardCount[]): number | null {
  let total = 0;
  for (const r of reads) {
    if (r.boards === null) return null;
    total += r.boards;
  }
  return total;
}

/** Sends the hook to each server; a failed hook counts as an attempt whose timeout is already over. */
export async function sendHooks(ctx: Ctx, hook: DrainHook, servers: DrainServer[], ids: string[], ips: Record<string, string | null>): Promise<{ servers: DrainServer[]; notes: ThreadNote[] }> {
  const notes: ThreadNote[] = [];
  const failed = new Set<string>();
  await Promise.all(
    ids.map(async (instanceId) => {
      try {
        await hook.drain(ctx.service, { instanceId, privateIp: ips[instanceId] ?? undefined });
      } catch (error) {
        failed.add(instanceId);
        const attempts = servers.find((s) => s.instanceId === instanceId)?.hookAttempts ?? 1;
        notes.push({
          type: 'dependency',
          system: 'drain',
          problem: (error as Error).message,
          action: attempts < 2 ? `The hook of ${instanceId} will be sent once more; nothing is terminated.` : `${instanceId} stays; the release asks what to do.`,
        });
      }
    }),
  );
  const timeout = drainPolicy(ctx).serverTimeoutMs;
  return { servers: servers.map((s) => (failed.has(s.instanceId) ? { ...s, hookedAt: ctx.now - timeout - 1 } : s)), notes };
}

export function controlAction(ctx: Ctx): { rollback?: ActionRecord; pause?: ActionRecord } {
  return { rollback: ctx.actions.find((a) => a.action === 'rollback'), pause: ctx.actions.find((a) => a.action === 'pause') };
}

export function startRollback(ctx: Ctx, facts: ReleaseFacts, by: string, reason: string | null, notes: ThreadNote[] = []): Result {
  const from = (facts.pausedFrom ?? ctx.deploy.state) as ReleaseState;
  const rollback = { by, reason, at: ctx.now, from, reopenedAt: null, servers: [], baselineTotal: null };
  return to('rolling_back', { ...facts, rollback, pause: null, pausedFrom: null }, ctx.now, {
    notes: [...notes, { type: 'rollback', by, reason, from, oldWarm: facts.closedAt !== null }],
    consumed: ctx.actions.map((a) => a.id),
    audit: [{ actor: by, action: 'rollback', reason }],
  });
}

export function pause(ctx: Ctx, facts: ReleaseFacts, question: PauseQuestion, notes: ThreadNote[] = []): Result {
  return to('paused', { ...facts, pause: question, pausedFrom: ctx.deploy.state as ReleaseState }, null, {
    notes: [...notes, question.kind === 'user' ? { type: 'paused', by: question.by, reason: question.reason || null } : { type: 'question', kind: question.kind as 'unknown' | 'stuck' | 'drop', reason: question.reason, instanceIds: question.instanceIds }],
    consumed: ctx.actions.map((a) => a.id),
    audit: [{ actor: question.by, action: 'paused', reason: question.reason }],
  });
}
