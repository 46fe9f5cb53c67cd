import { randomBytes } from 'node:crypto';
import { startUserSession, type UserSession } from './user-session.js';

export interface ArrivalsOptions {
  /** The load balancer's websocket URL, path included. */
  url: string;
  /** A new user opens a board this often. */
  everyMs: number;
  /** And closes it after this long. */
  stayMs: number;
  editIntervalMs: number;
}

/**
 * Users who come and go: each opens a board of their own through the load balancer, edits for a
 * while and leaves. The long-lived simulated users stay on their server until it is drained, so
 * without arrivals a new server would never gain boards by itself, as it does in production.
 */
export function startArrivals(options: ArrivalsOptions) {
  const run = randomBytes(3).toString('hex');
  const present = new Set<UserSession>();
  const counts = { arrived: 0, joined: 0 };
  let next = 0;
  const timer = setInterval(() => {
    const index = next++;
    counts.arrived += 1;
    const session = startUserSession(
      {
        url: options.url,
        clientId: `visitor-${run}-${index}`,
        board: `visit-${run}-${index}`,
        editIntervalMs: options.editIntervalMs,
        reconnectTimeoutMs: 10_000,
        backoffMs: 100,
        startAfterMs: 0,
        clock: { now: Date.now },
      },
      { joined: () => void (counts.joined += 1), left: () => undefined, lost: () => undefined, sent: () => undefined, acked: () => undefined },
    );
    present.add(session);
    setTimeout(() => {
      present.delete(session);
      void session.stop();
    }, options.stayMs).unref();
  }, options.everyMs);
  timer.unref();
  return {
    stats: () => ({ arrived: counts.arrived, present: present.size }),
    async stop() {
      clearInterval(timer);
      await Promise.all([...present].map((s) => s.stop()));
      present.clear();
    },
  };
}
