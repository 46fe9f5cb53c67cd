import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError, type Image } from '../../../src/deploy/ports.js';
import { exampleService } from '../../support/catalog.js';
import { emulatedAccount, type EmulatedAccount } from './emulated-account.js';

let account: EmulatedAccount;
let image: Image;
afterEach(() => account.close());

async function start(options: Parameters<typeof emulatedAccount>[0] = {}) {
  account = await emulatedAccount(options);
  image = (await account.fleet.findImage(account.service, '1.5.0'))!;
}

describe('AWS fleet: launch', () => {
  it('launches canaries from the launch template with the bot’s tags and without the fleet tags', async () => {
    await start();
    const launched = await account.fleet.launch(account.request(image, { count: 2 }));
    expect(launched).toHaveLength(2);
    expect(launched[0]).toMatchObject({ imageId: image.imageId, state: 'pending', launchedAt: '2026-03-01T12:00:00.000Z' });
    expect(launched[0].privateIp).toMatch(/^10\.0\./);
    const expectedTags = {
      team: 'boards',
      'release-bot:managed-by': 'release-bot',
      'release-bot:service': 'board',
      'release-bot:version': '1.5.0',
      'release-bot:role': 'canary',
      'release-bot:deploy-id': 'pre-0042',
    };
    expect(launched[0].tags).toEqual(expectedTags);
    const record = account.emulator.state.ec2.instance(launched[0].instanceId)!;
    expect(record).toMatchObject({ instanceType: 't3.small', subnetId: 'subnet-0a1b2c3d', launchTemplate: { launchTemplateId: account.seeded.launchTemplate.launchTemplateId } });
    expect(record.volumeTags).toEqual(expectedTags);
  });

  it('gives fleet instances the catalog’s fleet tags', async () => {
    await start();
    const [instance] = await account.fleet.launch(account.request(image, { role: 'fleet', step: 'launch-fleet' }));
    expect(instance.tags).toMatchObject({ service: 'board', role: 'fleet', 'release-bot:role': 'fleet' });
  });

  it('launches with a client token derived from deploy id and step, asking for exactly the count', async () => {
    await start();
    await account.fleet.launch(account.request(image, { count: 3 }));
    const [call] = account.emulator.requests.calls('RunInstances');
    expect(call.params).toMatchObject({
      ClientToken: 'pre-0042:launch-canaries',
      MinCount: '3',
      MaxCount: '3',
      ImageId: image.imageId,
      InstanceType: 't3.small',
      SubnetId: 'subnet-0a1b2c3d',
      'LaunchTemplate.LaunchTemplateName': 'board',
      'LaunchTemplate.Version': '$Latest',
      'TagSpecification.1.ResourceType': 'instance',
      'TagSpecification.2.ResourceType': 'volume',
    });
  });

  it('launches once when the same deploy step is launched twice', async () => {
    await start();
    const first = await account.fleet.launch(account.request(image, { count: 2 }));
    const again = await account.fleet.launch(account.request(image, { count: 2 }));
    expect(again.map((i) => i.instanceId)).toEqual(first.map((i) => i.instanceId));
    expect(account.emulator.requests.calls('RunInstances')).toHaveLength(2);
    expect(account.emulator.state.ec2.instances().filter((i) => i.tags['release-bot:deploy-id'] === 'pre-0042')).toHaveLength(2);
  });

  it('spreads instances over the catalog’s subnets, one idempotent call per subnet', async () => {
    await start({ service: exampleService((y) => y.replace('subnets: [subnet-0a1b2c3d]', 'subnets: [subnet-0a1b2c3d, subnet-0e5f6a7b]')) });
    const launched = await account.fleet.launch(account.request(image, { count: 3, role: 'fleet', step: 'launch-fleet' }));
    expect(launched).toHaveLength(3);
    const calls = account.emulator.requests.calls('RunInstances').map((c) => [c.params.SubnetId, c.params.MaxCount, c.params.ClientToken]);
    expect(calls).toEqual([
      ['subnet-0a1b2c3d', '2', 'pre-0042:launch-fleet:0'],
      ['subnet-0e5f6a7b', '1', 'pre-0042:launch-fleet:1'],
    ]);
  });

  it('reports missing capacity as a DependencyError that suggests another type or subnet', async () => {
    await start({ maxAttempts: 2 });
    account.emulator.faults.add({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: Infinity });
    const err = await account.fleet.launch(account.request(image)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyError);
    expect(err).toMatchObject({ system: 'aws', code: 'InsufficientInstanceCapacity' });
    expect((err as Error).message).toMatch(/no capacity for t3\.small in subnet-0a1b2c3d.*another instance type \(launch\.instanceType\) or another subnet\/AZ/);
    // A 500 is transient to the SDK, so it retried under the same client token before giving up.
    expect(account.emulator.requests.calls('RunInstances').map((c) => c.params.ClientToken)).toEqual(['pre-0042:launch-canaries', 'pre-0042:launch-canaries']);
    expect(account.emulator.state.ec2.instances()).toHaveLength(2);
  });

  it('reports a reused token with different parameters without launching', async () => {
    await start();
    await account.fleet.launch(account.request(image, { count: 1 }));
    const err = await account.fleet.launch(account.request(image, { count: 2 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ system: 'aws', code: 'IdempotentParameterMismatch' });
    expect((err as Error).message).toContain('RunInstances');
  });
});
