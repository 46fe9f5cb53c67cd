import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock } from '../../deploy/ports.js';
import { createStoreClient } from '../board/store-client.js';
import { summarizeGaps, type GapSummary } from './gap-summary.js';
import { startUserSession, type UserSession } from './user-session.js';
import { verifyAckedEdits, type VerifyResult } from './verify-edits.js';

export interface UsersOptions {
  /** The load balancer's websocket URL, path included (e.g. ws://127.0.0.1:8000/ws). */
  url: string;
  /** The shared board store, read by `verify()`. */
  storeUrl: string;
  sessions: number;
  /** Boards shared by the sessions: session i works on `board-${i % boards + 1}`. */
  boards: number;
  editIntervalMs: number;
  /** A session not back in its board this long after losing it is a lost session. */
  reconnectTimeoutMs?: number;
  /** First reconnect waits a random part of this (doubling on each failed attempt, up to 2 s). */
  backoffMs?: number;
  /** Sessions connect at random moments within this span instead of all at once. */
  rampUpMs?: number;
  /** Measures gaps and outages; timers are real. */
  clock?: Clock;
}

export interface UserStats {
  sessions: number;
  /** Sessions in their board now. */
  joined: number;
  /** Sessions that had their board and are out of it now. */
  outOfBoard: number;
  /** Outages longer than reconnectTimeoutMs (a session can lose more than once). */
  lostSessions: number;
  /** From the last `verify()`. */
  lostEdits: number;
  /** Rejoins after losing the board. */
  reconnects: number;
  editsSent: number;
  editsAcked: number;
  editsPending: number;
  reconnectGapMs: GapSummary;
  /** Instance id → sessions joined there now. */
  sessionsByServer: Record<string, number>;
  /** Instance id → distinct boards the sessions have open there now. */
  boardsByServer: Record<string, number>;
  /** Instance id → the version it reported when a session joined. */
  serverVersions: Record<string, string>;
}

export interface UserEvents {
  joined: [{ session: number; board: string; server: string; serverVersion: string; gapMs: number | null }];
  left: [{ session: number; board: string; server: string; reason: 'reconnect' | 'closed' }];
  'session-lost': [{ session: number; board: string; outageMs: number }];
  verified: [VerifyResult];
}

export interface Users {
  events: EventEmitter<UserEvents>;
  stats(): UserStats;
  /** Every reconnect gap so far, in ms, in the order they happened. */
  reconnectGapsMs(): number[];
  /** Looks every acknowledged edit up in the store; sets `lostEdits`. */
  verify(): Promise<VerifyResult>;
  /** Closes every session; outages already longer than the timeout are counted as lost. */
  stop(): Promise<void>;
}

/** Simulated users working on boards through the load balancer, counting what a deploy costs them. */
export function startUsers(options: UsersOptions): Users {
  const clock = options.clock ?? { now: Date.now };
  const events = new EventEmitter<UserEvents>();
  const run = randomBytes(3).toString('hex');
  const acked = new Map<string, string[]>();
  const gaps: number[] = [];
  const versions: Record<string, string> = {};
  const counts = { lostSessions: 0, lostEdits: 0, reconnects: 0, editsSent: 0, editsAcked: 0 };
  const sessions: { board: string; session: UserSession }[] = [];

  for (let index = 0; index < options.sessions; index++) {
    const board = `board-${(index % options.boards) + 1}`;
    const session = startUserSession(
      {
        url: options.url,
        clientId: `user-${run}-${index}`,
        board,
        editIntervalMs: options.editIntervalMs,
        reconnectTimeoutMs: options.reconnectTimeoutMs ?? 10_000,
        backoffMs: options.backoffMs ?? 100,
        startAfterMs: Math.random() * (options.rampUpMs ?? 0),
        clock,
      },
      {
        joined(server, serverVersion, gapMs) {
          versions[server] = serverVersion;
          if (gapMs !== null) {
            counts.reconnects += 1;
            gaps.push(gapMs);
          }
          events.emit('joined', { session: index, board, server, serverVersion, gapMs });
        },
        left(server, reason) {
          events.emit('left', { session: index, board, server, reason });
        },
        lost(outageMs) {
          counts.lostSessions += 1;
          events.emit('session-lost', { session: index, board, outageMs });
        },
        sent() {
          counts.editsSent += 1;
        },
        acked(editId) {
          counts.editsAcked += 1;
          const ids = acked.get(board) ?? [];
          ids.push(editId);
          acked.set(board, ids);
        },
      },
    );
    sessions.push({ board, session });
  }

  const stats = (): UserStats => {
    const sessionsByServer: Record<string, number> = {};
    const boardsOn = new Map<string, Set<string>>();
    let joined = 0;
    let outOfBoard = 0;
    let editsPending = 0;
    for (const { board, session } of sessions) {
      editsPending += session.pendingEdits();
      if (session.outageSince() !== null) outOfBoard += 1;
      const server = session.server();
      if (server === null) continue;
      joined += 1;
      sessionsByServer[server] = (sessionsByServer[server] ?? 0) + 1;
      boardsOn.set(server, (boardsOn.get(server) ?? new Set()).add(board));
    }
    const boardsByServer = Object.fromEntries([...boardsOn].map(([server, boards]) => [server, boards.size]));
    return {
      sessions: sessions.length,
      joined,
      outOfBoard,
      ...counts,
      editsPending,
      reconnectGapMs: summarizeGaps(gaps),
      sessionsByServer,
      boardsByServer,
      serverVersions: { ...versions },
    };
  };

  return {
    events,
    stats,
    reconnectGapsMs: () => [...gaps],
    async verify() {
      const store = createStoreClient(options.storeUrl);
      const result = await verifyAckedEdits(store, acked).finally(() => store.close());
      counts.lostEdits = result.lostEdits;
      events.emit('verified', result);
      return result;
    },
    async stop() {
      for (const { session } of sessions) session.settleOutage();
      await Promise.all(sessions.map(({ session }) => session.stop()));
    },
  };
}
