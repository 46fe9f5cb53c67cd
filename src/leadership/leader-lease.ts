import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../deploy/ports.js';
import type { Leadership } from '../deploy/runner.js';
import type { Lease, LeaseStore } from '../deploy/store-port.js';
import type { Logger } from '../observability/logger.js';

export interface LeaderLeaseOptions {
  store: LeaseStore;
  clock: Clock;
  /** How long a lease lasts without renewal: a standby takes over at most this long after the leader died. */
  ttlMs: number;
  logger: Logger;
  /** This process now leads: start the runner, the notifier and their timers. */
  onElected(): void;
  /** This process no longer leads: stop acting; resolves once nothing it began is in flight. */
  onDeposed(): Promise<void>;
  holder?: string;
}

export interface LeaderLease extends Leadership {
  /** One claim (standby) or renewal (leader). The timer calls it; tests call it with a fake clock. */
  attempt(): Promise<void>;
  /** The first attempt, then attempts on a timer. */
  start(): Promise<void>;
  /** Stops acting, then gives the lease up, so that a standby takes over at its next look. */
  stop(): Promise<void>;
  isLeader(): boolean;
  /** The lease as this process last read it (whoever holds it). */
  current(): Lease | null;
}

/** Names a bot process for people reading /healthz or /metrics: where it runs, and which run it is. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Keeps this process's side of the leader lease. The leader renews every third of the lease and
 * acts only until a fifth of the lease before its last renewal would run out, so it has stopped
 * before any standby can take over; the store's fence refuses whatever was still in flight.
 * A standby looks at least every second, and again the moment the lease it saw expires.
 */
export function createLeaderLease(options: LeaderLeaseOptions): LeaderLease {
  const { store, clock, ttlMs, logger } = options;
  const holder = options.holder ?? newHolderId();
  const renewEveryMs = ttlMs / 3;
  const marginMs = ttlMs / 5;
  const lookEveryMs = Math.min(1000, ttlMs / 3);

  let leading = false;
  let actUntil = 0;
  let lease: Lease | null = null;
  let readFailed = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Attempts, depositions and the stop run one at a time, so onElected never overlaps onDeposed.
  let chain: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>) => (chain = chain.then(work, work));

  async function depose(why: string, level: 'warn' | 'info' = 'warn'): Promise<void> {
    if (!leading) return;
    leading = false;
    actUntil = 0;
    logger[level]({ holder, why }, 'this bot process is no longer the leader; it stops acting and answers Slack only');
    await options.onDeposed();
  }

  const logFailure = (error: unknown) => logger.error({ err: error, holder }, 'the leader lease could not change hands cleanly');

  async function claim(): Promise<void> {
    const started = clock.now();
    try {
      lease = await store.claimLease(holder, started, ttlMs);
      readFailed = false;
    } catch (error) {
      readFailed = true;
      logger.warn({ err: error, holder, leading }, 'the leader lease could not be claimed or renewed');
      if (clock.now() >= actUntil) await depose('its lease could not be renewed in time');
      return;
    }
    if (lease.holder !== holder) return depose(`${lease.holder} holds the lease`);
    actUntil = started + ttlMs - marginMs;
    if (leading) return;
    leading = true;
    logger.info({ holder, leaseMs: ttlMs }, 'this bot process is the leader: it runs the deploys and posts to Slack');
    options.onElected();
  }

  function nextAttemptIn(): number {
    if (leading) return renewEveryMs;
    if (readFailed || !lease) return lookEveryMs;
    // A few ms past the expiry it saw: the claim takes a lease only once it has expired.
    return Math.min(lookEveryMs, Math.max(0, lease.expiresAt - clock.now()) + 5);
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void serial(claim).catch(logFailure).finally(schedule), nextAttemptIn());
    timer.unref();
  }

  return {
    holder,
    held: () => leading && clock.now() < actUntil,
    lost() {
      void serial(() => depose('the store refused its write: its lease had run out')).catch(logFailure);
    },
    attempt: () => serial(claim),
    async start() {
      await serial(claim);
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await serial(async () => {
        await depose('it is stopping', 'info');
        await store.releaseLease(holder).catch((error: unknown) => logger.warn({ err: error, holder }, 'the leader lease could not be given up; a standby takes over when it expires'));
      });
    },
    isLeader: () => leading,
    current: () => lease,
  };
}
