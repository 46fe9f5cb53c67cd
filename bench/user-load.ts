import { EventEmitter } from 'node:events';
import { startUsers, type UserEvents, type Users } from '../src/sandbox/users/start-users.js';

export interface UserLoadOptions {
  /** The load balancer's websocket URL, path included. */
  url: string;
  storeUrl: string;
  servers: number;
  sessionsPerServer: number;
  /** Of each server's sessions, this many arrive during the swap instead of before it. */
  arrivingPerServer: number;
  editIntervalMs: number;
}

/** Sessions share boards in threes, as in the sandbox console. */
const SESSIONS_PER_BOARD = 3;
/** Resident sessions connect within this many ms per session, so thousands do not arrive at once. */
const RAMP_MS_PER_SESSION = 5;
const ARRIVAL_RAMP_MS = 2_000;

/**
 * The users of one benchmark run: residents, connected before the swap, and arrivals, who connect
 * once the new servers are healthy, as new users keep coming during a real release (without them
 * the new servers would never gain the boards the gate waits for). Both groups count in every figure.
 */
export function startUserLoad(options: UserLoadOptions) {
  const sessions = options.servers * options.sessionsPerServer;
  const boards = Math.max(1, Math.round(sessions / SESSIONS_PER_BOARD));
  const residentCount = options.servers * (options.sessionsPerServer - options.arrivingPerServer);
  const events = new EventEmitter<Pick<UserEvents, 'joined' | 'left'>>();
  const groups: Users[] = [];

  const start = (count: number, rampUpMs: number) => {
    const group = startUsers({ url: options.url, storeUrl: options.storeUrl, sessions: count, boards, editIntervalMs: options.editIntervalMs, rampUpMs });
    group.events.on('joined', (e) => events.emit('joined', e));
    group.events.on('left', (e) => events.emit('left', e));
    groups.push(group);
  };
  start(residentCount, residentCount * RAMP_MS_PER_SESSION);

  const all = () => {
    const stats = groups.map((g) => g.stats());
    const sum = (pick: (s: (typeof stats)[number]) => number) => stats.reduce((n, s) => n + pick(s), 0);
    const sessionsByServer: Record<string, number> = {};
    for (const s of stats) for (const [server, n] of Object.entries(s.sessionsByServer)) sessionsByServer[server] = (sessionsByServer[server] ?? 0) + n;
    // Per group: a board both groups have open on one server counts twice.
    const boardsOpen = sum((s) => Object.values(s.boardsByServer).reduce((n, b) => n + b, 0));
    return { sessions: sum((s) => s.sessions), joined: sum((s) => s.joined), outOfBoard: sum((s) => s.outOfBoard), lostSessions: sum((s) => s.lostSessions), sessionsByServer, boardsOpen };
  };

  return {
    sessions,
    /** Distinct boards the sessions work on. */
    boards,
    residents: residentCount,
    events,
    /** Everyone started so far, added up. */
    stats: all,
    arrive(): void {
      if (groups.length === 1) start(sessions - residentCount, ARRIVAL_RAMP_MS);
    },
    reconnectGapsMs: (): number[] => groups.flatMap((g) => g.reconnectGapsMs()),
    /** Acknowledged edits missing from the store, over both groups. */
    async lostEdits(): Promise<number> {
      const results = await Promise.all(groups.map((g) => g.verify()));
      return results.reduce((n, r) => n + r.lostEdits, 0);
    },
    async stop(): Promise<void> {
      await Promise.all(groups.map((g) => g.stop()));
    },
  };
}

export type UserLoad = ReturnType<typeof startUserLoad>;
