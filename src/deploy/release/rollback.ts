import { BOT_ACTOR, leftRunning } from '../workflow.js';
import { drainPhase, ROLLBACK_DRAIN } from './drain-phase.js';
import type { ReleaseFacts } from './facts.js';
import { drainPoll, freshServer, instancePoll, to, type Ctx, type ReleaseWorkflowOptions, type Result } from './release-step.js';

/**
 * Rolling back moves users back to the old servers while they are warm: register them again,
 * wait until they are healthy, close and drain the new servers onto them, then terminate the new
 * ones. Before the old servers were closed, removing the new ones is all there is to do. Nothing
 * here waits for a deploy window or a gate.
 */
export async function rollingBack(ctx: Ctx, options: ReleaseWorkflowOptions): Promise<Result> {
  const { deploy, service, now } = ctx;
  const { fleet } = options;
  const facts = deploy.facts;
  const rollback = facts.rollback as NonNullable<ReleaseFacts['rollback']>;
  // Rediscover by tag: a crash may have hidden a launch from the facts.
  const launched = (await fleet.launchedBy(service, deploy.id)).filter((i) => i.state === 'pending' || i.state === 'running');
  const newIds = launched.map((i) => i.instanceId);
  const ips: Record<string, string | null> = { ...facts.privateIps };
  for (const i of launched) if (i.privateIp) ips[i.instanceId] = i.privateIp;
  for (const o of facts.plan.oldInstances) ips[o.instanceId] = o.privateIp;

  const done = (removed: string[], notes: Result['notes'] = [], left: ReturnType<typeof leftRunning> = null): Result =>
    to('done', facts, null, {
      outcome: 'rolled_back',
      notes: [...(notes ?? []), { type: 'removed', instanceIds: removed, leftRunning: left?.note }],
      audit: [left?.audit ?? { actor: BOT_ACTOR, action: 'terminated', data: { instanceIds: removed } }],
    });

  const finish = async (notes: Result['notes'] = []): Promise<Result> => {
    if (newIds.length > 0) await fleet.deregister(service, newIds);
    const left = leftRunning(ctx.skip, newIds);
    if (newIds.length > 0 && !left) await fleet.terminate(service, newIds);
    return done(left ? [] : newIds, notes, left);
  };

  if (facts.closedAt === null) return finish();
  // The new servers are terminated together once all are drained: none left means the bot
  // terminated them and died before committing. Reading their counts now would find them unknown.
  if (rollback.drain.servers.length > 0 && newIds.length === 0) return done(rollback.drain.servers.map((s) => s.instanceId));

  const oldIds = facts.plan.oldInstances.map((o) => o.instanceId).filter((id) => !facts.retire.terminated.includes(id));
  const alive = (await fleet.describe(service, oldIds)).filter((i) => i.state === 'running').map((i) => i.instanceId);
  if (alive.length === 0) {
    const previous = facts.plan.fromVersion ? `\`/release ${service.name} ${facts.plan.fromVersion}\`` : 'a release of the previous version';
    return to(rollback.from, { ...facts, rollback: null }, now, {
      notes: [{ type: 'text', text: `↩️ Cannot roll back: the old servers are gone. ${deploy.version} stays; to go back, run ${previous}.` }],
      audit: [{ actor: BOT_ACTOR, action: 'rollback_impossible', reason: 'old servers terminated' }],
    });
  }
  if (rollback.reopenedAt === null) {
    await fleet.register(service, alive);
    return to('rolling_back', { ...facts, rollback: { ...rollback, reopenedAt: now } }, now + instancePoll(ctx), {
      audit: [{ actor: BOT_ACTOR, action: 'reopened_old_servers', data: { instanceIds: alive } }],
    });
  }
  if (rollback.drain.servers.length === 0) {
    const targets = await fleet.health(service, alive);
    if (targets.length === 0 || targets.some((t) => t.state !== 'healthy')) return to('rolling_back', facts, now + instancePoll(ctx));
    await fleet.deregister(service, newIds);
    return to('rolling_back', ROLLBACK_DRAIN.write(facts, { ...rollback.drain, servers: newIds.map(freshServer), startedAt: now }), now, {
      notes: [{ type: 'closed', instanceIds: newIds, delayWarning: null }],
    });
  }

  const tick = await drainPhase(ctx, options, { slot: ROLLBACK_DRAIN, onto: alive, ips, narrate: false });
  if (!tick.done) return tick.result;
  // New servers found by their tag that the drain did not include may hold boards: none is terminated while any is left.
  const drained = ROLLBACK_DRAIN.read(tick.facts).servers.map((s) => s.instanceId);
  if (newIds.some((id) => !drained.includes(id))) return to('rolling_back', tick.facts, now + drainPoll(ctx), { notes: tick.notes });
  return finish(tick.notes);
}
