import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  paginateDescribeInstances,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import { seedService, type SeededService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

const service = exampleService();

let time: ManualTime;
let emulator: AwsEmulator;
let seeded: SeededService;
let clients: ReturnType<typeof sdkClients>;

beforeEach(async () => {
  time = new ManualTime('2026-03-01T12:00:00.000Z');
  emulator = new AwsEmulator({ time, bootDelayMs: 1_000, shutdownDelayMs: 500 });
  seeded = seedService(emulator.state, service, {
    versions: [
      { version: '1.4.1', commit: 'aaa111' },
      { version: '1.4.2', commit: 'bbb222' },
      { version: '1.5.0-rc.1', commit: 'ccc333', state: 'pending' },
    ],
    fleet: { version: '1.4.1', count: 2 },
  });
  clients = sdkClients((await emulator.listen()).url);
});

afterEach(async () => {
  clients.destroy();
  await emulator.close();
});

const launch = (input: Partial<RunInstancesCommandInput> = {}) =>
  clients.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'board', Version: '$Latest' }, ...input }));

describe('EC2 DescribeImages through the SDK', () => {
  it('finds the account’s images by version tag with their tags and creation dates', async () => {
    const { Images } = await clients.ec2.send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:releaseVersion', Values: ['1.4.2'] }] }),
    );
    expect(Images).toHaveLength(1);
    expect(Images![0]).toMatchObject({
      ImageId: seeded.images[1].imageId,
      Name: 'board-1.4.2',
      State: 'available',
      OwnerId: '123456789012',
      CreationDate: '2026-02-28T12:00:00.000Z',
      Tags: [
        { Key: 'releaseVersion', Value: '1.4.2' },
        { Key: 'commit', Value: 'bbb222' },
      ],
    });
  });

  it('filters by name wildcards and state, and by owner account', async () => {
    const byName = await clients.ec2.send(
      new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['board-1.4.*'] }, { Name: 'state', Values: ['available'] }] }),
    );
    expect(byName.Images?.map((i) => i.Name)).toEqual(['board-1.4.1', 'board-1.4.2']);
    const otherOwner = await clients.ec2.send(new DescribeImagesCommand({ Owners: ['210987654321'] }));
    expect(otherOwner.Images).toEqual([]);
  });

  it('answers InvalidAMIID.NotFound for an unknown image and InvalidParameterValue for an unknown filter', async () => {
    const notFound = await rejectionOf(clients.ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] })));
    expect(notFound.name).toBe('InvalidAMIID.NotFound');
    expect(notFound.message).toContain('ami-0123456789abcdef0');
    const badFilter = await rejectionOf(clients.ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag-kee', Values: ['x'] }] })));
    expect(badFilter.name).toBe('InvalidParameterValue');
  });
});

describe('EC2 RunInstances through the SDK', () => {
  it('launches pending instances from the launch template with overrides and tags, running after the boot delay', async () => {
    const running: string[] = [];
    emulator.state.events.on('instance-running', (i) => running.push(i.instanceId));
    const { Instances, ReservationId } = await launch({
      MinCount: 2,
      MaxCount: 2,
      ImageId: seeded.images[1].imageId,
      InstanceType: 't3.large',
      SubnetId: 'subnet-0b2c3d4e',
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'release-bot:role', Value: 'canary' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'team', Value: 'boards' }] },
      ],
    });
    expect(ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(Instances?.map((i) => [i.ImageId, i.InstanceType, i.SubnetId, i.State?.Name, i.State?.Code])).toEqual([
      [seeded.images[1].imageId, 't3.large', 'subnet-0b2c3d4e', 'pending', 0],
      [seeded.images[1].imageId, 't3.large', 'subnet-0b2c3d4e', 'pending', 0],
    ]);
    expect(Instances?.[0].PrivateIpAddress).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(Instances?.[0].PrivateIpAddress).not.toBe(Instances?.[1].PrivateIpAddress);
    expect(Instances?.[0].LaunchTime).toEqual(new Date('2026-03-01T12:00:00.000Z'));
    expect(Instances?.[0].Tags).toEqual([{ Key: 'release-bot:role', Value: 'canary' }]);
    expect(emulator.state.ec2.instance(Instances![0].InstanceId!)?.volumeTags).toEqual({ team: 'boards' });

    await time.advance(999);
    expect(running).toEqual([]);
    await time.advance(1);
    expect(running).toEqual(Instances?.map((i) => i.InstanceId));
  });

  it('uses the launch template’s image, type and subnet when the request does not override them', async () => {
    const { Instances } = await launch();
    expect(Instances?.[0]).toMatchObject({ ImageId: seeded.launchTemplate.versions[0].imageId, InstanceType: 't3.small', SubnetId: 'subnet-0a1b2c3d' });
  });

  it('returns the original reservation for a repeated client token and launches nothing more', async () => {
    const first = await launch({ MinCount: 2, MaxCount: 2, ClientToken: 'deploy-42:canary' });
    const again = await launch({ MinCount: 2, MaxCount: 2, ClientToken: 'deploy-42:canary' });
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.map((i) => i.InstanceId)).toEqual(first.Instances?.map((i) => i.InstanceId));
    expect(again.Instances?.[0].ClientToken).toBe('deploy-42:canary');
    expect(emulator.state.ec2.instances()).toHaveLength(2 + 2);
    expect(emulator.requests.calls('RunInstances')).toHaveLength(2);
  });

  it('refuses a repeated client token with different parameters', async () => {
    await launch({ ClientToken: 'deploy-42:canary' });
    const err = await rejectionOf(launch({ ClientToken: 'deploy-42:canary', InstanceType: 'c5.large' }));
    expect(err.name).toBe('IdempotentParameterMismatch');
    expect(emulator.state.ec2.instances()).toHaveLength(2 + 1);
  });

  it('answers the not-found errors EC2 gives for templates and images', async () => {
    const template = await rejectionOf(launch({ LaunchTemplate: { LaunchTemplateName: 'chat', Version: '$Latest' } }));
    expect(template.name).toBe('InvalidLaunchTemplateName.NotFoundException');
    const image = await rejectionOf(launch({ ImageId: 'ami-0fedcba9876543210' }));
    expect(image.name).toBe('InvalidAMIID.NotFound');
    const pending = await rejectionOf(launch({ ImageId: seeded.images[2].imageId }));
    expect(pending.name).toBe('InvalidAMIID.Unavailable');
  });

  it('refuses tags over the per-resource limit', async () => {
    const Tags = Array.from({ length: 51 }, (_, n) => ({ Key: `k${n}`, Value: 'v' }));
    const err = await rejectionOf(launch({ TagSpecifications: [{ ResourceType: 'instance', Tags }] }));
    expect(err.name).toBe('TagLimitExceeded');
  });
});

describe('EC2 DescribeInstances and TerminateInstances through the SDK', () => {
  it('filters by tags whose keys contain colons, by tag key and by state', async () => {
    await launch({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'release-bot:deploy-id', Value: 'd-7' }] }] });
    const byTag = await clients.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:release-bot:deploy-id', Values: ['d-7'] }] }));
    expect(byTag.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(1);

    const fleet = await clients.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['role'] }, { Name: 'instance-state-name', Values: ['running'] }] }),
    );
    expect(fleet.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId) ?? [])).toEqual(seeded.fleet.map((i) => i.instanceId));
  });

  it('pages through instances with MaxResults and NextToken, grouped by reservation', async () => {
    await launch({ MinCount: 10, MaxCount: 10 });
    const pages = [];
    for await (const page of paginateDescribeInstances({ client: clients.ec2, pageSize: 5 }, {})) pages.push(page);
    expect(pages.map((p) => p.Reservations?.flatMap((r) => r.Instances ?? []).length)).toEqual([5, 5, 2]);
    expect(pages[0].Reservations?.map((r) => r.Instances?.length)).toEqual([2, 3]);
    const ids = pages.flatMap((p) => p.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId) ?? []) ?? []);
    expect(new Set(ids).size).toBe(12);
    expect(emulator.requests.calls('DescribeInstances').map((c) => c.params.MaxResults)).toEqual(['5', '5', '5']);
  });

  it('answers InvalidInstanceID.NotFound naming the unknown instance', async () => {
    const err = await rejectionOf(clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [seeded.fleet[0].instanceId, 'i-0123456789abcdef0'] })));
    expect(err.name).toBe('InvalidInstanceID.NotFound');
    expect(err.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400 });
  });

  it('terminates through shutting-down, and terminating again reports terminated', async () => {
    const id = seeded.fleet[0].instanceId;
    const first = await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(first.TerminatingInstances).toEqual([
      { InstanceId: id, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } },
    ]);
    await time.advance(500);
    const again = await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(again.TerminatingInstances?.[0]).toMatchObject({ CurrentState: { Name: 'terminated' }, PreviousState: { Name: 'terminated' } });
    const { Reservations } = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(Reservations?.[0].Instances?.[0]).toMatchObject({ State: { Code: 48, Name: 'terminated' }, StateReason: { Code: 'Client.UserInitiatedShutdown' } });
  });
});
