import { formatDuration } from '../../config/duration.js';
import type { DrainServer } from '../../deploy/drain.js';
import { newFleetIds, type PauseQuestion, type ReleaseFacts } from '../../deploy/release/facts.js';
import { upgradeReleaseFacts, type StoredReleaseFacts } from '../../deploy/release/facts-upgrade.js';
import type { DeployRecord } from '../../deploy/records.js';
import { formatCount, slackTime } from './mrkdwn.js';
import { isFinished, OUTCOME_STATUS } from './outcome.js';

/** Where a release stands, shared by its parent message and the `/release status` and `history` answers. */

export type ReleaseDeploy = DeployRecord<ReleaseFacts>;

/** Release facts are written only by the release workflow, so the kind tells their shape, once upgraded from an earlier bot's. */
export function asRelease(deploy: DeployRecord): ReleaseDeploy | null {
  if (deploy.kind !== 'release') return null;
  const stored = deploy as unknown as DeployRecord<StoredReleaseFacts>;
  return { ...stored, facts: upgradeReleaseFacts(stored.facts) };
}

const PHASE: Record<string, string> = {
  planned: '📋 planned, waiting for Start',
  launching: '🚀 launching',
  registering: '⏳ waiting for healthy',
  gating: '🚦 gate: new servers must take users',
  closing: '🚪 closing old servers',
  retiring: '🧹 retiring',
  announcing: '📣 announcing',
  rolling_back: '↩️ rolling back',
};

export function releasePhase(deploy: ReleaseDeploy): string {
  if (isFinished(deploy) && deploy.outcome) return OUTCOME_STATUS[deploy.outcome];
  const facts = deploy.facts;
  if (deploy.hold) return `⛔ stopped while ${deploy.state.replace('_', ' ')}: waiting for an answer`;
  if (deploy.state === 'draining') return facts.drain.wave > 0 ? `🌊 draining, wave ${facts.drain.wave}` : '🌊 draining';
  if (deploy.state === 'paused') return `⏸️ paused${facts.pausedFrom ? ` while ${facts.pausedFrom.replace('_', ' ')}` : ''}`;
  return PHASE[deploy.state] ?? `⚙️ ${deploy.state}`;
}

/** What stopped the release, in the parent message and in the thread's question. */
export const QUESTION_TITLE: Record<PauseQuestion['kind'], string> = {
  unknown: '❓ *Board counts unknown*',
  stuck: '🐢 *Not drained in time*',
  drop: '📉 *Total boards fell*',
  user: '⏸️ *Paused*',
  dependency: '⚠️ *A dependency failed*',
};

/** "10/12 healthy (2 initial)": the new fleet is the launched servers plus adopted canaries. */
export function describeNewServers(facts: ReleaseFacts): string {
  const ids = newFleetIds(facts);
  if (ids.length === 0) return `${facts.plan.fleetSize} to launch`;
  const states = ids.map((id) => facts.health[id] ?? 'not registered');
  const healthy = states.filter((s) => s === 'healthy').length;
  const others = [...new Set(states.filter((s) => s !== 'healthy'))].map((s) => `${states.filter((x) => x === s).length} ${s}`);
  return `${healthy}/${facts.plan.fleetSize} healthy${others.length > 0 ? ` (${others.join(', ')})` : ''}`;
}

/** "1 board", "12,345 boards". */
export function boardCount(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'board' : 'boards'}`;
}

export interface BoardSide {
  /** Sum of the known counts. */
  boards: number;
  /** Servers whose count could not be read. */
  unknown: number;
  /** Whether any count was read for this side yet. */
  read: boolean;
}

export function boardSides(facts: ReleaseFacts): { old: BoardSide; new: BoardSide } {
  return {
    old: side(facts.drain.servers.map((s) => s.boards)),
    new: side(Object.values(facts.drain.newBoards)),
  };
}

function side(counts: (number | null)[]): BoardSide {
  const known = counts.filter((c): c is number => c !== null);
  return { boards: known.reduce((a, b) => a + b, 0), unknown: counts.length - known.length, read: counts.length > 0 };
}

export function describeSide(side: BoardSide): string {
  if (!side.read) return '—';
  return `${formatCount(side.boards)}${side.unknown > 0 ? ` (+${side.unknown} unknown)` : ''}`;
}

/** "old 1,234 → new 5,678": the two curves of the release, at their last read. */
export function describeBoards(facts: ReleaseFacts): string {
  const sides = boardSides(facts);
  return `old ${describeSide(sides.old)} → new ${describeSide(sides.new)}`;
}

export interface DrainEta {
  /** Boards still on old servers that are not drained. */
  remaining: number;
  boardsPerSecond: number;
  etaMs: number;
}

/**
 * When the drain should end, at the pace it kept so far: boards that left the old servers since
 * the drain began, per second. Null until there is a pace to go by, and whenever an old server's
 * count is unknown (a guess would hide exactly the servers a human must look at).
 */
export function drainEta(facts: ReleaseFacts, now: number): DrainEta | null {
  const { servers, startedAt, oldBoardsAtStart } = facts.drain;
  if (startedAt === null || oldBoardsAtStart === null || servers.length === 0) return null;
  if (servers.some((s) => s.boards === null)) return null;
  const onOld = sum(servers);
  const remaining = sum(servers.filter((s) => s.phase !== 'drained'));
  const moved = oldBoardsAtStart - onOld;
  const elapsedMs = now - startedAt;
  if (moved <= 0 || elapsedMs <= 0) return null;
  const boardsPerSecond = moved / (elapsedMs / 1000);
  return { remaining, boardsPerSecond, etaMs: (remaining / boardsPerSecond) * 1000 };
}

function sum(servers: DrainServer[]): number {
  return servers.reduce((n, s) => n + (s.boards ?? 0), 0);
}

export function describeEta(eta: DrainEta | null, now: number): string {
  if (!eta) return 'estimating…';
  const rate = eta.boardsPerSecond >= 10 ? Math.round(eta.boardsPerSecond).toString() : eta.boardsPerSecond.toFixed(1);
  if (eta.remaining === 0) return `any moment now (${rate} boards/s so far)`;
  return `~${formatDuration(eta.etaMs)}, about ${slackTime(now + eta.etaMs)} (${formatCount(eta.remaining)} boards left at ${rate} boards/s)`;
}

/** "3 draining · 5 drained · 4 serving · 1 stuck", most urgent first. */
export function describeDrainPhases(servers: DrainServer[]): string {
  const order: DrainServer['phase'][] = ['stuck', 'draining', 'drained', 'serving'];
  return order
    .map((phase) => [phase, servers.filter((s) => s.phase === phase).length] as const)
    .filter(([, n]) => n > 0)
    .map(([phase, n]) => `${n} ${phase}`)
    .join(' · ');
}

/** From Start to the end (or to now while it runs); a release never started counts from its plan. */
export function releaseDuration(deploy: ReleaseDeploy, now: number): number {
  return (deploy.finishedAt ?? now) - (deploy.facts.startedAt ?? deploy.createdAt);
}
