import { CreateTagsCommand, DescribeInstancesCommand, RunInstancesCommand, TerminateInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsEmulator, type AwsEmulatorOptions } from '../../../src/sandbox/aws/emulator.js';
import { seedService, type SeededService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { readmePolicy } from '../../../src/sandbox/aws/readme-policy.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

const DRY_RUN_MESSAGE = 'Request would have succeeded, but DryRun flag is set.';

let time: ManualTime;
let emulator: AwsEmulator;
let seeded: SeededService;
let clients: ReturnType<typeof sdkClients>;
let launchedEvents: number;

async function start(options: AwsEmulatorOptions = {}) {
  time = new ManualTime('2026-03-01T12:00:00.000Z');
  emulator = new AwsEmulator({ time, bootDelayMs: 1_000, ...options });
  seeded = seedService(emulator.state, exampleService(), { versions: [{ version: '1.4.1', commit: 'aaa111' }], fleet: { version: '1.4.1', count: 1 } });
  launchedEvents = 0;
  emulator.state.events.on('instance-launched', () => launchedEvents++);
  clients = sdkClients((await emulator.listen()).url);
}

afterEach(async () => {
  clients.destroy();
  await emulator.close();
});

const botTags = [{ Key: 'release-bot:managed-by', Value: 'release-bot' }];
const launch = (input: Partial<RunInstancesCommandInput> = {}) =>
  clients.ec2.send(
    new RunInstancesCommand({
      MinCount: 1,
      MaxCount: 1,
      LaunchTemplate: { LaunchTemplateName: 'board' },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: botTags },
        { ResourceType: 'volume', Tags: botTags },
      ],
      ...input,
    }),
  );
const fleetId = () => seeded.fleet[0].instanceId;

describe('EC2 DryRun through the SDK', () => {
  it('answers a valid RunInstances with DryRunOperation (412) and launches nothing', async () => {
    await start();
    const err = await rejectionOf(launch({ DryRun: true }));
    expect(err.name).toBe('DryRunOperation');
    expect(err.message).toBe(DRY_RUN_MESSAGE);
    expect(err.$metadata).toMatchObject({ httpStatusCode: 412 });
    expect(emulator.state.ec2.instances()).toHaveLength(1);
    expect(launchedEvents).toBe(0);
    expect(emulator.requests.calls('RunInstances').map((c) => [c.params.DryRun, c.status, c.errorCode])).toEqual([['true', 412, 'DryRunOperation']]);
  });

  it('keeps no idempotency record: the client token stays free for a real launch with other parameters', async () => {
    await start();
    await rejectionOf(launch({ DryRun: true, ClientToken: 'deploy-42:canary', InstanceType: 'c5.large' }));
    const { Instances } = await launch({ ClientToken: 'deploy-42:canary', InstanceType: 't3.small' });
    expect(Instances?.map((i) => i.InstanceType)).toEqual(['t3.small']);
  });

  it('validates the launch first: an unknown image, template or bad tag gives its usual error', async () => {
    await start();
    expect((await rejectionOf(launch({ DryRun: true, ImageId: 'ami-0fedcba9876543210' }))).name).toBe('InvalidAMIID.NotFound');
    expect((await rejectionOf(launch({ DryRun: true, LaunchTemplate: { LaunchTemplateName: 'chat' } }))).name).toBe(
      'InvalidLaunchTemplateName.NotFoundException',
    );
    expect((await rejectionOf(launch({ DryRun: true, LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0' } }))).name).toBe(
      'InvalidLaunchTemplateId.NotFound',
    );
    expect((await rejectionOf(launch({ DryRun: true, MinCount: 2, MaxCount: 1 }))).name).toBe('InvalidParameterValue');
    const reserved = await rejectionOf(launch({ DryRun: true, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: 'y' }] }] }));
    expect(reserved.name).toBe('InvalidParameterValue');
  });

  it('answers TerminateInstances with DryRunOperation and leaves the instance running; unknown IDs still fail as usual', async () => {
    await start();
    const err = await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [fleetId()], DryRun: true })));
    expect(err.name).toBe('DryRunOperation');
    await time.advance(60_000);
    expect(emulator.state.ec2.instance(fleetId())!.state).toBe('running');
    const unknown = await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'], DryRun: true })));
    expect(unknown.name).toBe('InvalidInstanceID.NotFound');
  });

  it('answers CreateTags with DryRunOperation and tags nothing; a tag over the limit still fails', async () => {
    await start();
    const err = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [fleetId()], Tags: [{ Key: 'owner', Value: 'me' }], DryRun: true })));
    expect(err.name).toBe('DryRunOperation');
    expect(emulator.state.ec2.instance(fleetId())!.tags).not.toHaveProperty('owner');
    const tooMany = Array.from({ length: 50 }, (_, n) => ({ Key: `k${n}`, Value: 'v' }));
    expect((await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [fleetId()], Tags: tooMany, DryRun: true })))).name).toBe('TagLimitExceeded');
  });

  it('acts normally with DryRun=false', async () => {
    await start();
    const { Instances } = await launch({ DryRun: false });
    expect(Instances).toHaveLength(1);
  });

  it('answers Describe calls with DryRunOperation too, as EC2 does', async () => {
    await start();
    expect((await rejectionOf(clients.ec2.send(new DescribeInstancesCommand({ DryRun: true })))).name).toBe('DryRunOperation');
  });

  describe('with IAM enforced (README’s policy)', () => {
    it('answers DryRunOperation when the policy would allow the call', async () => {
      await start({ iam: { policy: readmePolicy() } });
      expect((await rejectionOf(launch({ DryRun: true }))).name).toBe('DryRunOperation');
      expect((await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [fleetId()], DryRun: true })))).name).toBe('DryRunOperation');
    });

    it('answers UnauthorizedOperation (403) when it would not, and still changes nothing', async () => {
      await start({ iam: { policy: readmePolicy() } });
      const unmanaged = emulator.state.ec2.launch({ imageId: seeded.images[0].imageId, count: 1 }, { running: true }).instances[0].instanceId;
      launchedEvents = 0;
      const untagged = await rejectionOf(launch({ DryRun: true, TagSpecifications: undefined }));
      expect(untagged.name).toBe('UnauthorizedOperation');
      expect(untagged.$metadata).toMatchObject({ httpStatusCode: 403 });
      const terminate = await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [unmanaged], DryRun: true })));
      expect(terminate.name).toBe('UnauthorizedOperation');
      const retag = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [fleetId()], Tags: [{ Key: 'owner', Value: 'me' }], DryRun: true })));
      expect(retag.name).toBe('UnauthorizedOperation');
      expect(launchedEvents).toBe(0);
      expect(emulator.requests.all().map((r) => [r.action, r.status, r.errorCode])).toEqual([
        ['RunInstances', 403, 'UnauthorizedOperation'],
        ['TerminateInstances', 403, 'UnauthorizedOperation'],
        ['CreateTags', 403, 'UnauthorizedOperation'],
      ]);
    });
  });
});
