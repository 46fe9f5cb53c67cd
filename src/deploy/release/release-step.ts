// What every release step works with, the release's own and the rollback's alike: its context and
// result, moving between states, pausing to ask, and the drain's configuration and bookkeeping.
import type { DrainPolicy, DrainServer } from '../drain.js';
import type { BoardCount, BoardCounts, Changelog, DrainHook, Fleet, Tickets } from '../ports.js';
import type { ActionRecord, ThreadNote } from '../records.js';
import type { StepContext, StepResult } from '../workflow.js';
import { freshDrain, type PauseQuestion, type ReleaseFacts, type ReleaseState } from './facts.js';

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

export type Result = StepResult<ReleaseFacts>;

export const to = (state: ReleaseState, facts: ReleaseFacts, wakeAt: number | null, extra: Partial<Result> = {}): Result => ({ state, facts, wakeAt, ...extra });

/** How often a drain reads the board counts. */
export const drainPoll = (ctx: Ctx) => ctx.service.drain?.pollInterval ?? 5_000;

/** How often instances on their way in or out are looked at. */
export const instancePoll = (ctx: Ctx) => Math.min(5_000, drainPoll(ctx));

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

export function controlAction(ctx: Ctx): { rollback?: ActionRecord; pause?: ActionRecord } {
  return { rollback: ctx.actions.find((a) => a.action === 'rollback'), pause: ctx.actions.find((a) => a.action === 'pause') };
}

export function startRollback(ctx: Ctx, facts: ReleaseFacts, by: string, reason: string | null, notes: ThreadNote[] = []): Result {
  const from = (facts.pausedFrom ?? ctx.deploy.state) as ReleaseState;
  const rollback = { by, reason, at: ctx.now, from, reopenedAt: null, drain: freshDrain() };
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
