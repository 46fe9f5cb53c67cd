import { afterEach, describe, expect, it } from 'vitest';
import type { Image } from '../../../src/deploy/ports.js';
import { exampleService } from '../../support/catalog.js';
import { emulatedAccount, type EmulatedAccount } from './emulated-account.js';

let account: EmulatedAccount;
let image: Image;
afterEach(() => account.close());

async function start(options: Parameters<typeof emulatedAccount>[0] = {}) {
  account = await emulatedAccount(options);
  image = (await account.fleet.findImage(account.service, '1.5.0'))!;
}

const [httpGroup, wsGroup] = exampleService().targetGroups;

describe('AWS fleet: target groups', () => {
  it('finds no missing target groups in one call when all exist', async () => {
    await start();
    expect(await account.fleet.missingTargetGroups(account.service)).toEqual([]);
    expect(account.emulator.requests.calls('DescribeTargetGroups')).toHaveLength(1);
  });

  it('names exactly the target groups that do not exist', async () => {
    await start();
    const gone = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-old/0123456789abcdef';
    const service = { ...account.service, targetGroups: [httpGroup, gone, wsGroup] };
    expect(await account.fleet.missingTargetGroups(service)).toEqual([gone]);
  });

  it('registers instances in every group on the service port and follows their health to healthy', async () => {
    await start();
    const [canary] = await account.fleet.launch(account.request(image));
    await account.fleet.register(account.service, [canary.instanceId]);
    expect(account.emulator.requests.calls('RegisterTargets').map((c) => [c.params.TargetGroupArn, c.params['Targets.member.1.Port']]).sort()).toEqual([
      [httpGroup, '8080'],
      [wsGroup, '8080'],
    ]);
    expect(await account.fleet.health(account.service, [canary.instanceId])).toEqual([
      { targetGroupArn: httpGroup, instanceId: canary.instanceId, state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress' },
      { targetGroupArn: wsGroup, instanceId: canary.instanceId, state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress' },
    ]);
    await account.time.advance(15_000);
    expect((await account.fleet.health(account.service, [canary.instanceId])).map((h) => h.state)).toEqual(['healthy', 'healthy']);
  });

  it('reports why a target is unhealthy', async () => {
    await start();
    const [canary] = await account.fleet.launch(account.request(image));
    account.emulator.faults.neverHealthy(canary.instanceId, 'Target.FailedHealthChecks');
    await account.fleet.register(account.service, [canary.instanceId]);
    await account.time.advance(15_000);
    const [health] = await account.fleet.health(account.service, [canary.instanceId]);
    expect(health).toMatchObject({ state: 'unhealthy', reason: 'Target.FailedHealthChecks' });
  });

  it('drains deregistered instances, and reports unregistered ones as unused', async () => {
    await start();
    const [old] = account.seeded.fleet;
    await account.fleet.deregister(account.service, [old.instanceId]);
    await account.fleet.deregister(account.service, [old.instanceId]);
    expect((await account.fleet.health(account.service, [old.instanceId])).map((h) => [h.state, h.reason])).toEqual([
      ['draining', 'Target.DeregistrationInProgress'],
      ['draining', 'Target.DeregistrationInProgress'],
    ]);
    await account.time.advance(30_000);
    expect((await account.fleet.health(account.service, [old.instanceId])).map((h) => [h.state, h.reason])).toEqual([
      ['unused', 'Target.NotRegistered'],
      ['unused', 'Target.NotRegistered'],
    ]);
  });

  it('makes no calls for an empty list of instances', async () => {
    await start();
    await account.fleet.register(account.service, []);
    await account.fleet.deregister(account.service, []);
    expect(await account.fleet.health(account.service, [])).toEqual([]);
    expect(account.emulator.requests.all()).toHaveLength(1);
  });

  it('reports registering into a missing group as a DependencyError naming the code and action', async () => {
    await start();
    const gone = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-old/0123456789abcdef';
    const err = await account.fleet.register({ ...account.service, targetGroups: [gone] }, [account.seeded.fleet[0].instanceId]).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DependencyError', system: 'aws', code: 'TargetGroupNotFound' });
    expect((err as Error).message).toMatch(/^AWS RegisterTargets failed with TargetGroupNotFound \(HTTP 400\)/);
  });
});

describe('AWS fleet: deregistration delays', () => {
  const DELAY = 'deregistration_delay.timeout_seconds';

  it('reads each target group’s delay in milliseconds, one call per group', async () => {
    await start();
    account.emulator.state.elb.requireTargetGroup(wsGroup).attributes[DELAY] = '3600';
    expect(await account.fleet.deregistrationDelays(account.service)).toEqual({ [httpGroup]: 30_000, [wsGroup]: 3_600_000 });
    expect(account.emulator.requests.calls('DescribeTargetGroupAttributes').map((c) => c.params.TargetGroupArn).sort()).toEqual([httpGroup, wsGroup]);
  });

  it('reports a missing target group as a DependencyError naming the action and code', async () => {
    await start();
    const gone = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-old/0123456789abcdef';
    const err = await account.fleet.deregistrationDelays({ ...account.service, targetGroups: [httpGroup, gone] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DependencyError', system: 'aws', code: 'TargetGroupNotFound' });
    expect((err as Error).message).toMatch(/^AWS DescribeTargetGroupAttributes failed with TargetGroupNotFound \(HTTP 400\)/);
  });

  it('fails rather than guess when a group reports no delay', async () => {
    await start();
    delete account.emulator.state.elb.requireTargetGroup(httpGroup).attributes[DELAY];
    const err = await account.fleet.deregistrationDelays(account.service).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DependencyError', system: 'aws' });
    expect((err as Error).message).toContain(httpGroup);
  });
});
