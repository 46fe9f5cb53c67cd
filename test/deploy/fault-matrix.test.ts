import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { PRERELEASE_ID, RELEASE_ID, startFaultWorld, type FaultWorld, type FaultWorldOptions } from './fault-world.js';

/**
 * The fault matrix: each outside failure the bot must survive, injected where it lives (the AWS
 * emulator, Prometheus, Sentry, Jira, the drain endpoint, the bot's own database), with what the
 * deploy's thread then says and proof that nothing unsafe happened. Slack's own rate limits are in
 * test/slack/notifier-rate-limits.test.ts.
 */

let world: FaultWorld;
afterEach(async () => {
  await world?.close();
});

async function start(options: FaultWorldOptions = {}): Promise<FaultWorld> {
  world = await startFaultWorld(options);
  return world;
}

const joined = async (id: string) => (await world.thread(id)).join('\n---\n');

describe('fault 1: EC2 throttles the bot (RequestLimitExceeded, Throttling)', () => {
  it('rides out one throttled RunInstances inside the SDK retries and says nothing about it', async () => {
    await start();
    world.emulator.faults.throttle('RunInstances');
    await world.startRelease();
    const registering = await world.until(RELEASE_ID, (d) => d.state === 'registering');

    expect(registering.facts.launchedIds).toHaveLength(2);
    expect(world.calls('RunInstances').map((c) => c.errorCode)).toContain('RequestLimitExceeded');
    expect(await joined(RELEASE_ID)).not.toContain('RequestLimitExceeded');
  });

  it('retries a step whose calls stay throttled past the SDK retries, names the throttling once, and launches nothing twice', async () => {
    await start();
    world.emulator.faults.throttle('RunInstances', 2);
    world.emulator.faults.throttle('DescribeTargetHealth', 4);
    await world.startRelease();
    const gating = await world.until(RELEASE_ID, (d) => d.state === 'gating');

    expect(gating.state).toBe('gating');
    expect(world.liveLaunchedBy(RELEASE_ID)).toHaveLength(2);
    const tokens = world.calls('RunInstances').filter((c) => !c.errorCode).map((c) => c.params.ClientToken);
    expect(new Set(tokens).size).toBe(2);
    const thread = await joined(RELEASE_ID);
    expect(thread).toMatch(/⚠️ \*AWS:\* AWS RunInstances failed with RequestLimitExceeded \(HTTP 503\)[^\n]*\n\*What I did:\* Nothing was changed; retrying the launching step in 5s\./);
    expect(thread).toMatch(/⚠️ \*AWS:\* AWS DescribeTargetHealth failed with Throttling \(HTTP 400\)[^\n]*\n\*What I did:\* Nothing was changed; retrying the registering step in 5s\./);
    expect(thread.match(/Throttling/g)).toHaveLength(1);
  });
});

describe('fault 2: EC2 has no capacity (InsufficientInstanceCapacity)', () => {
  const secondSubnet = (params: Record<string, string>) => params.SubnetId === 'subnet-0e5f6a7b';

  it('rolls a release back with a clear message and terminates what the same launch step already started', async () => {
    await start();
    world.emulator.faults.add({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: Infinity, when: secondSubnet });
    await world.startRelease();
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null);

    expect(done.outcome).toBe('rolled_back');
    const launched = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === RELEASE_ID);
    expect(launched).toHaveLength(1);
    expect(world.liveLaunchedBy(RELEASE_ID)).toEqual([]);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
    const thread = await joined(RELEASE_ID);
    expect(thread).toContain('❌ *Failed:* AWS has no capacity for t3.small in subnet-0e5f6a7b right now (InsufficientInstanceCapacity from RunInstances). Try another instance type (launch.instanceType) or another subnet/AZ (launch.subnets) for board, or retry later.');
    expect(thread).toContain('*What I did:* Removing what was launched; the old servers keep serving.');
    expect(thread).toContain(`🧹 Deregistered and terminated 1 instance: \`${launched[0].instanceId}\``);
  });

  it('fails a pre-release with a clear message and leaves no canary of the half-done launch behind', async () => {
    await start();
    world.emulator.faults.add({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: Infinity, when: secondSubnet });
    await world.startPrerelease(2);
    const done = await world.until(PRERELEASE_ID, (d) => d.finishedAt !== null, 200, 5_000);

    expect(done.outcome).toBe('failed');
    expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === PRERELEASE_ID)).toHaveLength(1);
    expect(world.liveLaunchedBy(PRERELEASE_ID)).toEqual([]);
    const thread = await joined(PRERELEASE_ID);
    expect(thread).toContain('InsufficientInstanceCapacity from RunInstances');
    expect(thread).toContain('*What I did:* Removing whatever was launched; nothing else changed.');
    expect(thread).toMatch(/🧹 Deregistered and terminated 1 instance/);
  });
});

describe('fault 3: a new server never becomes healthy', () => {
  it.each([
    ['Target.FailedHealthChecks', 'Health checks failed'],
    ['Target.Timeout', 'Request timed out'],
  ])('rolls the release back after the healthy timeout, showing the load balancer reason %s', async (reason, description) => {
    await start();
    await world.startRelease();
    const registering = await world.until(RELEASE_ID, (d) => d.state === 'registering');
    const sick = registering.facts.launchedIds[0];
    world.emulator.faults.neverHealthy(sick, reason);
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 400, 5_000);

    expect(done.outcome).toBe('rolled_back');
    expect(done.facts.problem).toContain(`${sick} unhealthy (${reason}: ${description})`);
    expect(world.liveLaunchedBy(RELEASE_ID)).toEqual([]);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
    expect(world.calls('DeregisterTargets').flatMap((c) => Object.values(c.params))).not.toContain(world.oldInstanceIds()[0]);
    const thread = await joined(RELEASE_ID);
    expect(thread).toContain(`• \`${sick}\` in board-http: unhealthy (${reason}: ${description})`);
    expect(thread).toContain('*What I did:* Rolling back; the old servers keep serving.');
  });
});
