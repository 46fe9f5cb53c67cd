import { formatDuration } from '../config/duration.js';
import type { BoardCount } from './ports.js';

/** Bookkeeping for one old server during the drain; kept in the release's facts between ticks. */
export interface DrainServer {
  instanceId: string;
  /** serving: not told yet; draining: hook sent; drained: confirmed empty; stuck: a human must decide. */
  phase: 'serving' | 'draining' | 'drained' | 'stuck';
  /** Last read; null when unknown. */
  boards: number | null;
  unknown: string | null;
  /** When the hook was last sent. */
  hookedAt: number | null;
  hookAttempts: number;
  /** Consecutive reads at or below the residual since the hook. */
  lowReads: number;
  /** The wave that drained it (1-based), 0 before. */
  wave: number;
}

export interface DrainPolicy {
  capacity: number;
  residual: number;
  serverTimeoutMs: number;
  maxBoardsPerWave: number;
  totalDropTolerance: number;
}

export interface DrainInput {
  now: number;
  servers: DrainServer[];
  /** Fresh reads for the old and the new servers. */
  reads: BoardCount[];
  newServerIds: string[];
  /** Boards on old and new servers together when the drain began. */
  baselineTotal: number;
  /** The number of the last wave started. */
  wave: number;
  policy: DrainPolicy;
  /** Servers a human allowed to retire without a confirmed drain ("Terminate anyway"). */
  forced: string[];
}

export interface DrainPlan {
  servers: DrainServer[];
  wave: number;
  /** Send the drain hook to these now (a new wave, or a second attempt). */
  hook: string[];
  /** Newly confirmed drained (or forced): safe to retire. */
  drained: string[];
  /** Servers a human must decide on; the release pauses while there are any. */
  ask: { instanceId: string; kind: 'unknown' | 'stuck'; reason: string }[];
  /** Why no wave can start or the release must pause, when so. */
  hold: string | null;
  /** Total boards fell beyond tolerance: pause and say so. */
  drop: string | null;
  done: boolean;
  /** Boards per new server if the current wave lands on them. */
  projectedPerNewServer: number | null;
}

/** Consecutive low reads that confirm a server is drained: one low read may be a scrape between reconnects. */
const CONFIRMING_READS = 2;
/** The hook is sent at most this often to one server before a human is asked. */
const MAX_HOOK_ATTEMPTS = 2;

interface Candidate {
  instanceId: string;
  boards: number;
}

/**
 * One tick of the drain. Pure: everything it knows comes from `input`, so a resumed release plans
 * exactly what it would have planned before the restart.
 *
 * - An unknown count is never zero: it resets the low reads, is never confirmed drained, and is
 *   asked about unless a human forced the server.
 * - A drained server's bookkeeping is final: its last count stays (and counts in the total) even
 *   when it is no longer read, e.g. after it was terminated. A server forced while unknown has no
 *   count, so the total can only look lower for it, never higher.
 * - A stuck server that later reads low twice is drained after all: a confirmed empty server needs
 *   no human.
 * - Waves never overlap. A wave is picked largest first among the servers that still fit both the
 *   capacity of the new servers and `maxBoardsPerWave`: few, full waves drain fast, and the cap
 *   bounds how many clients reconnect at once. A server larger than the cap goes alone, and only
 *   when no server fits under the cap, so that it cannot block the drain forever.
 * - `hold` is said only when the next wave is due (nothing draining, servers left to hook), since
 *   a running wave is not affected by it.
 * - After a drop was acknowledged, the caller goes on by passing the current total as the new
 *   `baselineTotal`.
 */
export function planDrain(input: DrainInput): DrainPlan {
  const { now, policy } = input;
  const reads = new Map(input.reads.map((r) => [r.instanceId, r]));
  const forced = new Set(input.forced);
  const drained: string[] = [];
  const hook: string[] = [];

  const settled = input.servers.map((server): DrainServer => {
    if (server.phase === 'drained') return server;
    const next = observe(server, reads.get(server.instanceId), policy.residual);
    if (forced.has(next.instanceId) || (next.phase !== 'serving' && next.lowReads >= CONFIRMING_READS)) {
      drained.push(next.instanceId);
      return { ...next, phase: 'drained' };
    }
    if (next.phase !== 'draining' || !timedOut(next, now, policy.serverTimeoutMs)) return next;
    if (next.hookAttempts < MAX_HOOK_ATTEMPTS) {
      hook.push(next.instanceId);
      return { ...next, hookAttempts: next.hookAttempts + 1, hookedAt: now };
    }
    return { ...next, phase: 'stuck' };
  });

  const ask = settled.flatMap((s) => askAbout(s, now));
  const newServers = newServerBoards(input.newServerIds, reads);
  const drop = totalDrop(settled, newServers, input.baselineTotal, policy.totalDropTolerance);

  let servers = settled;
  let wave = input.wave;
  let hold: string | null = null;
  const waveDue = !settled.some((s) => s.phase === 'draining') && settled.some((s) => s.phase === 'serving');
  if (waveDue) {
    const candidates = settled.flatMap((s) => (s.phase === 'serving' && s.boards !== null ? [{ instanceId: s.instanceId, boards: s.boards }] : []));
    const newBoards = newServers.boards ?? 0;
    const room = policy.capacity * input.newServerIds.length - newBoards;
    hold = newServers.problem ?? capacityProblem(candidates, room, newBoards, input.newServerIds.length, policy.capacity);
    if (hold === null && drop === null && ask.length === 0) {
      const chosen = new Set(chooseWave(candidates, room, policy.maxBoardsPerWave));
      wave += 1;
      servers = settled.map((s) => (chosen.has(s.instanceId) ? { ...s, phase: 'draining', hookedAt: now, hookAttempts: 1, lowReads: 0, wave } : s));
      hook.push(...chosen);
    }
  }

  return {
    servers,
    wave,
    hook,
    drained,
    ask,
    hold,
    drop,
    done: servers.every((s) => s.phase === 'drained'),
    projectedPerNewServer: projection(servers, newServers.boards, input.newServerIds.length),
  };
}

function observe(server: DrainServer, read: BoardCount | undefined, residual: number): DrainServer {
  if (read === undefined || read.boards === null) {
    return { ...server, boards: null, unknown: read?.unknown ?? 'no read', lowReads: 0 };
  }
  const low = server.phase !== 'serving' && read.boards <= residual;
  return { ...server, boards: read.boards, unknown: null, lowReads: low ? server.lowReads + 1 : 0 };
}

function timedOut(server: DrainServer, now: number, timeoutMs: number): boolean {
  // Without a hook time nothing proves the server had its chance: hook it again.
  return server.hookedAt === null || now - server.hookedAt >= timeoutMs;
}

function askAbout(server: DrainServer, now: number): DrainPlan['ask'] {
  if (server.phase === 'drained') return [];
  const { instanceId } = server;
  const afterHooks = server.hookedAt === null ? '' : ` ${formatDuration(now - server.hookedAt)} after the second drain hook`;
  if (server.boards === null) {
    const stuck = server.phase === 'stuck' ? `; it had not drained${afterHooks}` : '';
    return [{ instanceId, kind: 'unknown', reason: `board count unknown (${server.unknown ?? 'no read'}), which is never taken as empty${stuck}` }];
  }
  if (server.phase === 'stuck') {
    return [{ instanceId, kind: 'stuck', reason: `still has ${server.boards} board${server.boards === 1 ? '' : 's'}${afterHooks}` }];
  }
  return [];
}

interface NewServerBoards {
  /** Sum over the new servers; null when any is unknown or there are none. */
  boards: number | null;
  /** Why no wave can be sized against the new servers. */
  problem: string | null;
}

function newServerBoards(ids: string[], reads: Map<string, BoardCount>): NewServerBoards {
  if (ids.length === 0) return { boards: null, problem: 'there are no new servers to move boards to' };
  let boards = 0;
  for (const id of ids) {
    const read = reads.get(id);
    if (read === undefined || read.boards === null) {
      return { boards: null, problem: `boards on new server ${id} unknown: ${read?.unknown ?? 'no read'}; the load a wave would add cannot be projected` };
    }
    boards += read.boards;
  }
  return { boards, problem: null };
}

function capacityProblem(candidates: Candidate[], room: number, newBoards: number, newCount: number, capacity: number): string | null {
  const smallest = [...candidates].sort(largestFirst).at(-1);
  if (smallest === undefined || smallest.boards <= room) return null;
  const perServer = Math.ceil((newBoards + smallest.boards) / newCount);
  return `moving ${smallest.instanceId}'s ${smallest.boards} boards would put ${perServer} boards on each new server; capacity is ${capacity}`;
}

/** Ties are broken by id so that the same counts always give the same wave. */
function largestFirst(a: Candidate, b: Candidate): number {
  return b.boards - a.boards || a.instanceId.localeCompare(b.instanceId);
}

function chooseWave(candidates: Candidate[], room: number, maxBoardsPerWave: number): string[] {
  const ordered = [...candidates].sort(largestFirst);
  const limit = Math.min(room, maxBoardsPerWave);
  const wave: string[] = [];
  let boards = 0;
  for (const server of ordered) {
    if (boards + server.boards <= limit) {
      wave.push(server.instanceId);
      boards += server.boards;
    }
  }
  if (wave.length > 0) return wave;
  const alone = ordered.find((s) => s.boards <= room);
  return alone ? [alone.instanceId] : [];
}

function totalDrop(servers: DrainServer[], newServers: NewServerBoards, baseline: number, tolerance: number): string | null {
  if (newServers.boards === null || servers.some((s) => s.phase !== 'drained' && s.boards === null)) return null;
  const total = servers.reduce((sum, s) => sum + (s.boards ?? 0), newServers.boards);
  if (total >= baseline * (1 - tolerance)) return null;
  return `boards fell from ${baseline} to ${total} (−${percent((baseline - total) / baseline)}), tolerance ${percent(tolerance)}`;
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

function projection(servers: DrainServer[], newBoards: number | null, newCount: number): number | null {
  const draining = servers.filter((s) => s.phase === 'draining');
  if (newBoards === null || draining.some((s) => s.boards === null)) return null;
  return draining.reduce((sum, s) => sum + (s.boards ?? 0), newBoards) / newCount;
}
