import type { InstanceRecord, TargetRecord } from '../src/sandbox/aws/model.js';
import type { Sandbox } from '../src/sandbox/run/start-sandbox.js';
import { createDrainTracker } from './drain-tracker.js';
import type { UserLoad } from './user-load.js';

const SAMPLE_MS = 250;

/**
 * Watches one swap from outside, the same way for every strategy: the emulator says when new
 * instances were launched, became healthy in the load balancer's group and when old ones were
 * terminated; the users say when they rejoined and how fast each server emptied; a sampler counts
 * healthy registered targets every 250 ms from `start()` until the last old server is gone.
 */
export function observeSwap(sandbox: Sandbox, users: UserLoad, oldIds: readonly string[]) {
  const { events, elb } = sandbox.emulator.state;
  const group = sandbox.service.targetGroups[sandbox.service.targetGroups.length - 1];
  const old = new Set(oldIds);
  const launchedAt = new Map<string, number>();
  const healthyAt = new Map<string, number>();
  const terminatedAt = new Map<string, number>();
  const rejoins: { at: number; server: string }[] = [];
  const drains = createDrainTracker(users.stats().sessionsByServer);
  const samples: number[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let startedAt: number | null = null;
  let sampler: NodeJS.Timeout | undefined;

  const changed = () => {
    for (const wake of waiters) wake();
  };
  const onLaunched = (instance: InstanceRecord) => {
    if (!old.has(instance.instanceId)) launchedAt.set(instance.instanceId, Date.now());
  };
  const onTarget = (target: TargetRecord) => {
    if (target.targetGroupArn !== group || target.state !== 'healthy' || !launchedAt.has(target.instanceId) || healthyAt.has(target.instanceId)) return;
    healthyAt.set(target.instanceId, Date.now());
    changed();
  };
  const onTerminated = (instance: InstanceRecord) => {
    if (!old.has(instance.instanceId)) return;
    terminatedAt.set(instance.instanceId, Date.now());
    if (terminatedAt.size === old.size) clearInterval(sampler);
    changed();
  };
  /** Why targets were not healthy at the lowest sample, to explain a dip. */
  let lowest: { healthy: number; at: number; others: string[] } | null = null;
  const sample = () => {
    const targets = elb.describeHealth(group);
    const healthy = targets.filter((t) => t.state === 'healthy').length;
    samples.push(healthy);
    if (lowest !== null && healthy >= lowest.healthy) return;
    const others = targets.filter((t) => t.state !== 'healthy' && t.state !== 'draining').map((t) => `${t.instanceId} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
    lowest = { healthy, at: Date.now(), others };
  };

  events.on('instance-launched', onLaunched);
  events.on('target-changed', onTarget);
  events.on('instance-terminated', onTerminated);
  users.events.on('joined', ({ server, gapMs }) => {
    drains.joined(server);
    if (gapMs !== null) rejoins.push({ at: Date.now(), server });
  });
  users.events.on('left', ({ server, reason }) => drains.left(server, reason, Date.now()));

  const until = (done: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`));
      }, timeoutMs);
      timers.add(timer);
      waiters.add(check);
      check();
    });

  return {
    /** The swap begins now: Start pressed, or the baseline's first launch. */
    start(): void {
      startedAt = Date.now();
      sample();
      sampler = setInterval(sample, SAMPLE_MS);
    },
    newHealthy(count: number, timeoutMs: number): Promise<void> {
      return until(() => healthyAt.size >= count, timeoutMs, `${count} new servers to be healthy`);
    },
    oldTerminated(timeoutMs: number): Promise<void> {
      return until(() => terminatedAt.size === old.size, timeoutMs, `all ${old.size} old servers to be terminated`);
    },
    /** What was seen; call once the last old server is terminated. */
    seen() {
      if (startedAt === null) throw new Error('the swap was never started');
      return {
        startedAt,
        endedAt: Math.max(...terminatedAt.values()),
        healthySamples: [...samples],
        rejoins: [...rejoins],
        launchToHealthyMs: [...healthyAt].map(([id, at]) => at - (launchedAt.get(id) as number)),
        drainsMs: drains.drainsMs(),
      };
    },
    /** The fewest healthy targets sampled, when, and what the others were doing then. */
    lowest: () => lowest,
    stop(): void {
      clearInterval(sampler);
      events.off('instance-launched', onLaunched);
      events.off('target-changed', onTarget);
      events.off('instance-terminated', onTerminated);
      waiters.clear();
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

export type SwapObserver = ReturnType<typeof observeSwap>;
