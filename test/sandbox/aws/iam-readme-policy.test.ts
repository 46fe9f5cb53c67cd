import { CreateTagsCommand, DescribeImagesCommand, DescribeInstancesCommand, RunInstancesCommand, TerminateInstancesCommand, type Tag } from '@aws-sdk/client-ec2';
import {
  AddTagsCommand,
  DeregisterTargetsCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import type { TargetGroupRecord } from '../../../src/sandbox/aws/model.js';
import { seedService, type SeededService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { readmePolicy } from '../../../src/sandbox/aws/readme-policy.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

const service = exampleService();
const [httpGroup] = service.targetGroups;
const ACCOUNT = 'arn:aws:ec2:eu-west-1:123456789012';
const BOT = 'arn:aws:sts::123456789012:assumed-role/release-bot/i-0bot';

const botTags: Tag[] = [
  { Key: 'release-bot:managed-by', Value: 'release-bot' },
  { Key: 'release-bot:service', Value: 'board' },
  { Key: 'release-bot:role', Value: 'canary' },
];

let emulator: AwsEmulator;
let seeded: SeededService;
let clients: ReturnType<typeof sdkClients>;
/** Running, carrying the service's tags but not the bot's: launched by some other tool. */
let unmanagedId: string;
/** Named like the service's groups, so only the missing tag keeps the bot out. */
let untaggedGroup: TargetGroupRecord;

beforeEach(async () => {
  emulator = new AwsEmulator({ time: new ManualTime('2026-03-01T12:00:00.000Z'), iam: { policy: readmePolicy() } });
  seeded = seedService(emulator.state, service, { versions: [{ version: '1.4.1', commit: 'aaa111' }], fleet: { version: '1.4.1', count: 2 } });
  unmanagedId = emulator.state.ec2.launch({ imageId: seeded.images[0].imageId, count: 1, tags: { service: 'board', role: 'fleet' } }, { running: true })
    .instances[0].instanceId;
  untaggedGroup = emulator.state.elb.addTargetGroup({ name: 'board-canary', port: 8080 });
  clients = sdkClients((await emulator.listen()).url);
});

afterEach(async () => {
  clients.destroy();
  await emulator.close();
});

const launch = (TagSpecifications?: { ResourceType: 'instance' | 'volume'; Tags: Tag[] }[]) =>
  clients.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'board' }, TagSpecifications }));
const managedId = () => seeded.fleet[0].instanceId;
const tagsOf = (id: string) => emulator.state.ec2.instance(id)!.tags;

/** The EC2 denial, word for word but for the opaque encoded part. */
function ec2Denial(action: string, resource: string): RegExp {
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^You are not authorized to perform this operation\\. User: ${escaped(BOT)} is not authorized to perform: ec2:${action} on resource: ${escaped(resource)} ` +
      `because no identity-based policy allows the ec2:${action} action\\. Encoded authorization failure message: [A-Za-z0-9+/]+=*$`,
  );
}

describe('the README’s IAM policy, enforced by the emulator, through the SDK', () => {
  it('allows a launch whose instance and volumes carry release-bot:managed-by=release-bot', async () => {
    const { Instances } = await launch([
      { ResourceType: 'instance', Tags: botTags },
      { ResourceType: 'volume', Tags: botTags },
    ]);
    expect(Instances).toHaveLength(1);
    expect(tagsOf(Instances![0].InstanceId!)).toMatchObject({ 'release-bot:managed-by': 'release-bot' });
  });

  it('denies a launch without the tag, naming the instance ARN, as a 403 UnauthorizedOperation, and launches nothing', async () => {
    const before = emulator.state.ec2.instances().length;
    const err = await rejectionOf(launch());
    expect(err.name).toBe('UnauthorizedOperation');
    expect(err.$metadata).toMatchObject({ httpStatusCode: 403 });
    expect(err.message).toMatch(ec2Denial('RunInstances', `${ACCOUNT}:instance/*`));
    expect(emulator.state.ec2.instances()).toHaveLength(before);
    expect(emulator.requests.calls('RunInstances').map((c) => [c.status, c.errorCode])).toEqual([[403, 'UnauthorizedOperation']]);
  });

  it('denies a launch with the wrong value, and one that tags the instance but not its volumes', async () => {
    const wrong = await rejectionOf(launch([{ ResourceType: 'instance', Tags: [{ Key: 'release-bot:managed-by', Value: 'someone-else' }] }]));
    expect(wrong.message).toMatch(ec2Denial('RunInstances', `${ACCOUNT}:instance/*`));
    const untaggedVolumes = await rejectionOf(launch([{ ResourceType: 'instance', Tags: botTags }]));
    expect(untaggedVolumes.message).toMatch(ec2Denial('RunInstances', `${ACCOUNT}:volume/*`));
  });

  it('allows TerminateInstances on an instance carrying the bot’s tag and denies it on one without', async () => {
    const denied = await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [unmanagedId] })));
    expect(denied.name).toBe('UnauthorizedOperation');
    expect(denied.message).toMatch(ec2Denial('TerminateInstances', `${ACCOUNT}:instance/${unmanagedId}`));
    expect(emulator.state.ec2.instance(unmanagedId)!.state).toBe('running');

    const { TerminatingInstances } = await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [managedId()] }));
    expect(TerminatingInstances?.[0].CurrentState?.Name).toBe('shutting-down');
  });

  it('terminates nothing when any one instance of the request is not the bot’s', async () => {
    const err = await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [managedId(), unmanagedId] })));
    expect(err.message).toMatch(ec2Denial('TerminateInstances', `${ACCOUNT}:instance/${unmanagedId}`));
    expect([managedId(), unmanagedId].map((id) => emulator.state.ec2.instance(id)!.state)).toEqual(['running', 'running']);
  });

  it('allows CreateTags of the adoption keys on a bot-managed instance, and denies another key or an unmanaged instance', async () => {
    const adoption = [
      { Key: 'release-bot:role', Value: 'fleet' },
      { Key: 'release-bot:deploy-id', Value: 'rel-0007' },
      { Key: 'service', Value: 'board' },
      { Key: 'role', Value: 'fleet' },
    ];
    await clients.ec2.send(new CreateTagsCommand({ Resources: [managedId()], Tags: adoption }));
    expect(tagsOf(managedId())).toMatchObject({ 'release-bot:deploy-id': 'rel-0007' });

    const otherKey = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [managedId()], Tags: [...adoption, { Key: 'owner', Value: 'me' }] })));
    expect(otherKey.message).toMatch(ec2Denial('CreateTags', `${ACCOUNT}:instance/${managedId()}`));
    expect(tagsOf(managedId())).not.toHaveProperty('owner');

    const unmanaged = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [unmanagedId], Tags: [{ Key: 'role', Value: 'fleet' }] })));
    expect(unmanaged.message).toMatch(ec2Denial('CreateTags', `${ACCOUNT}:instance/${unmanagedId}`));
  });

  it('does not let CreateTags claim an instance by writing the managed-by tag itself', async () => {
    const err = await rejectionOf(
      clients.ec2.send(new CreateTagsCommand({ Resources: [unmanagedId], Tags: [{ Key: 'release-bot:managed-by', Value: 'release-bot' }] })),
    );
    expect(err.name).toBe('UnauthorizedOperation');
    expect(tagsOf(unmanagedId)).not.toHaveProperty('release-bot:managed-by');
  });

  it('lets the bot take over a server carrying the service\'s fleet tags, writing exactly its management tags', async () => {
    const takeOver = [
      { Key: 'release-bot:managed-by', Value: 'release-bot' },
      { Key: 'release-bot:service', Value: 'board' },
      { Key: 'release-bot:role', Value: 'fleet' },
    ];
    await clients.ec2.send(new CreateTagsCommand({ Resources: [unmanagedId], Tags: takeOver }));
    expect(tagsOf(unmanagedId)).toMatchObject({ 'release-bot:managed-by': 'release-bot', 'release-bot:service': 'board', 'release-bot:role': 'fleet' });
  });

  it('refuses a takeover of a server without the service\'s fleet tags, for another service, or writing more than the management tags', async () => {
    const stranger = emulator.state.ec2.launch({ imageId: seeded.images[0].imageId, count: 1, tags: { service: 'chat', role: 'fleet' } }, { running: true }).instances[0].instanceId;
    const takeOver = (service: string, extra: Tag[] = []) => [
      { Key: 'release-bot:managed-by', Value: 'release-bot' },
      { Key: 'release-bot:service', Value: service },
      { Key: 'release-bot:role', Value: 'fleet' },
      ...extra,
    ];
    for (const [id, tags] of [
      [stranger, takeOver('board')],
      [unmanagedId, takeOver('chat')],
      [unmanagedId, takeOver('board', [{ Key: 'release-bot:deploy-id', Value: 'rl-0001' }])],
    ] as const) {
      expect((await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [...tags] })))).name).toBe('UnauthorizedOperation');
    }
    expect(tagsOf(stranger)).not.toHaveProperty('release-bot:managed-by');
    expect(tagsOf(unmanagedId)).not.toHaveProperty('release-bot:managed-by');
  });

  it('allows RegisterTargets and DeregisterTargets on a target group tagged for the bot and answers AccessDenied on an untagged one', async () => {
    const targets = [{ Id: managedId(), Port: 8080 }];
    await clients.elb.send(new RegisterTargetsCommand({ TargetGroupArn: httpGroup, Targets: targets }));
    await clients.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: httpGroup, Targets: targets }));

    const err = await rejectionOf(clients.elb.send(new RegisterTargetsCommand({ TargetGroupArn: untaggedGroup.targetGroupArn, Targets: targets })));
    expect(err.name).toBe('AccessDenied');
    expect(err.$fault).toBe('client');
    expect(err.$metadata).toMatchObject({ httpStatusCode: 403 });
    expect(err.message).toBe(
      `User: ${BOT} is not authorized to perform: elasticloadbalancing:RegisterTargets on resource: ${untaggedGroup.targetGroupArn} ` +
        'because no identity-based policy allows the elasticloadbalancing:RegisterTargets action',
    );
    expect(emulator.state.elb.describeHealth(untaggedGroup.targetGroupArn)).toEqual([]);
    expect(emulator.requests.calls('RegisterTargets').map((c) => [c.service, c.status, c.errorCode])).toEqual([
      ['elbv2', 200, undefined],
      ['elbv2', 403, 'AccessDenied'],
    ]);
  });

  it('allows the Describe calls the bot makes', async () => {
    await clients.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
    await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [unmanagedId] }));
    await clients.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: service.targetGroups }));
    await clients.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: httpGroup }));
    await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: httpGroup }));
    expect(emulator.requests.all().map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('denies what the policy does not grant at all, such as tagging a target group', async () => {
    const err = await rejectionOf(clients.elb.send(new AddTagsCommand({ ResourceArns: [untaggedGroup.targetGroupArn], Tags: [{ Key: 'release-bot:managed-by', Value: 'release-bot' }] })));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toContain(`elasticloadbalancing:AddTags on resource: ${untaggedGroup.targetGroupArn}`);
  });

  it('lets the pre-flight check read the target groups\' tags', async () => {
    const { TagDescriptions } = await clients.elb.send(new DescribeTagsCommand({ ResourceArns: [httpGroup] }));
    expect(TagDescriptions?.[0].Tags).toEqual([{ Key: 'release-bot:managed-by', Value: 'release-bot' }]);
  });
});
