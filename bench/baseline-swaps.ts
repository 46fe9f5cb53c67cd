import type { ServiceConfig } from '../src/config/catalog.js';
import type { BoardCounts, DrainHook, Fleet, Instance } from '../src/deploy/ports.js';
import { pollUntil } from './poll-until.js';

export interface BaselineContext {
  service: ServiceConfig;
  fleet: Fleet;
  drainHook: DrainHook;
  boards: BoardCounts;
  version: string;
  /** How often the script looks at instances and boards: the bot's own pace (`drain.pollInterval`). */
  pollMs: number;
  /** Bounds every wait; old servers not empty within `drain.serverTimeout` are terminated anyway. */
  timeoutMs: number;
  /** Called at the first launch, when the swap begins. */
  started(): void;
  progress(line: string): void;
}

/**
 * What a plain deploy script does without the bot: launch as many new instances as serve now,
 * register them and wait until they are healthy. Returns the old instances.
 */
async function replaceFleet(ctx: BaselineContext, deployId: string): Promise<Instance[]> {
  const { service, fleet } = ctx;
  const old = await fleet.serving(service);
  const image = await fleet.findImage(service, ctx.version);
  if (!image) throw new Error(`no AMI of ${service.name} ${ctx.version}`);
  ctx.started();
  const launched = await fleet.launch({ service, image, count: old.length, deployId, step: 'fleet', role: 'fleet' });
  const ids = launched.map((i) => i.instanceId);
  await pollUntil(async () => (await fleet.describe(service, ids)).every((i) => i.state === 'running'), ctx.timeoutMs, ctx.pollMs, 'the new instances to run');
  await fleet.register(service, ids);
  await pollUntil(async () => (await fleet.health(service, ids)).every((t) => t.state === 'healthy'), ctx.timeoutMs, ctx.pollMs, 'the new instances to be healthy');
  return old;
}

/** No drain: once the new servers are healthy, every old one is deregistered and terminated at once. */
export async function terminateAfterHealthy(ctx: BaselineContext): Promise<void> {
  const old = (await replaceFleet(ctx, 'bench-terminate-after-healthy')).map((i) => i.instanceId);
  await ctx.fleet.deregister(ctx.service, old);
  await ctx.fleet.terminate(ctx.service, old);
}

/**
 * Every old server told to reconnect at once: deregistered, every drain hook sent together, and
 * each terminated as soon as Prometheus reads it empty (or when the timeout is over).
 */
export async function drainAllAtOnce(ctx: BaselineContext): Promise<void> {
  const { service, fleet } = ctx;
  const old = await replaceFleet(ctx, 'bench-drain-all-at-once');
  await fleet.deregister(service, old.map((i) => i.instanceId));
  await Promise.all(old.map((instance) => ctx.drainHook.drain(service, instance)));
  ctx.progress(`drain hook sent to all ${old.length} old servers`);
  const deadline = Date.now() + ctx.timeoutMs;
  let left = old;
  while (left.length > 0) {
    const reads = await ctx.boards.read(service, left);
    const timedOut = Date.now() >= deadline;
    const empty = timedOut ? left.map((i) => i.instanceId) : reads.filter((r) => r.boards === 0).map((r) => r.instanceId);
    if (timedOut) ctx.progress(`not empty within ${Math.round(ctx.timeoutMs / 1000)} s, terminated anyway: ${reads.map((r) => `${r.instanceId} ${r.boards ?? `unknown (${r.unknown})`}`).join('; ')}`);
    if (empty.length > 0) await fleet.terminate(service, empty);
    left = left.filter((i) => !empty.includes(i.instanceId));
    if (empty.length > 0 && !timedOut) ctx.progress(`${old.length - left.length}/${old.length} old servers read empty and terminated`);
    if (left.length > 0) await new Promise((resolve) => setTimeout(resolve, ctx.pollMs));
  }
}
