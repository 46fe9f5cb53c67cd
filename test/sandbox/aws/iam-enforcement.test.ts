import { CreateTagsCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { AddTagsCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Actions } from '../../../src/sandbox/aws/ec2-handlers.js';
import { elbActions } from '../../../src/sandbox/aws/elb-handlers.js';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import { decodeAuthorizationMessage } from '../../../src/sandbox/aws/iam-authorizer.js';
import type { PolicyStatement } from '../../../src/sandbox/aws/iam-policy.js';
import { launchAuthorization } from '../../../src/sandbox/aws/iam-requests.js';
import { seedService, type SeededService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

const service = exampleService();
const [httpGroup, wsGroup] = service.targetGroups;
const ACCOUNT = 'arn:aws:ec2:eu-west-1:123456789012';

let emulator: AwsEmulator;
let seeded: SeededService;
let clients: ReturnType<typeof sdkClients>;

async function start(Statement: PolicyStatement[], principalArn?: string) {
  emulator = new AwsEmulator({ time: new ManualTime('2026-03-01T12:00:00.000Z'), iam: { policy: { Version: '2012-10-17', Statement }, principalArn } });
  seeded = seedService(emulator.state, service, { versions: [{ version: '1.4.1', commit: 'aaa111' }], fleet: { version: '1.4.1', count: 1 } });
  clients = sdkClients((await emulator.listen()).url);
}

afterEach(async () => {
  clients.destroy();
  await emulator.close();
});

const everything: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };
const instanceId = () => seeded.fleet[0].instanceId;
const launchTagged = () =>
  clients.ec2.send(
    new RunInstancesCommand({
      MinCount: 1,
      MaxCount: 1,
      LaunchTemplate: { LaunchTemplateName: 'board' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'boards' }] }],
    }),
  );

describe('IAM enforcement in the emulator', () => {
  it('checks every action it serves: a policy granting nothing refuses each with 403 and changes nothing', async () => {
    await start([{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }]);
    const id = instanceId();
    const bodies: Record<string, string> = {
      DescribeImages: '',
      RunInstances: 'MinCount=1&MaxCount=1&LaunchTemplate.LaunchTemplateName=board',
      DescribeInstances: '',
      TerminateInstances: `InstanceId.1=${id}`,
      CreateTags: `ResourceId.1=${id}&Tag.1.Key=a&Tag.1.Value=b`,
      DescribeTargetGroups: '',
      DescribeTargetGroupAttributes: `TargetGroupArn=${httpGroup}`,
      RegisterTargets: `TargetGroupArn=${httpGroup}&Targets.member.1.Id=${id}`,
      DeregisterTargets: `TargetGroupArn=${httpGroup}&Targets.member.1.Id=${id}`,
      DescribeTargetHealth: `TargetGroupArn=${httpGroup}`,
      DescribeTags: `ResourceArns.member.1=${httpGroup}`,
      AddTags: `ResourceArns.member.1=${httpGroup}&Tags.member.1.Key=a&Tags.member.1.Value=b`,
      RemoveTags: `ResourceArns.member.1=${httpGroup}&TagKeys.member.1=release-bot:managed-by`,
    };
    expect(Object.keys(bodies).sort()).toEqual([...Object.keys(ec2Actions), ...Object.keys(elbActions)].sort());
    const answers = Object.entries(bodies).map(([action, params]) => {
      const version = Object.hasOwn(ec2Actions, action) ? '2016-11-15' : '2015-12-01';
      const { status, body } = emulator.handle(`Action=${action}&Version=${version}${params && `&${params}`}`);
      return [action, status, /<Code>(.*?)<\/Code>/.exec(body)?.[1]];
    });
    expect(answers.filter(([, status]) => status !== 403)).toEqual([]);
    expect(new Set(answers.map(([, , code]) => code))).toEqual(new Set(['UnauthorizedOperation', 'AccessDenied']));
    expect(emulator.state.ec2.instances().map((i) => [i.state, i.tags.a])).toEqual([['running', undefined]]);
    expect(emulator.state.elb.targetGroups().map((g) => g.tags)).toEqual([{ 'release-bot:managed-by': 'release-bot' }, { 'release-bot:managed-by': 'release-bot' }]);
  });

  it('words an explicit Deny as AWS does, for EC2 and for ELBv2', async () => {
    await start([everything, { Effect: 'Deny', Action: ['ec2:TerminateInstances', 'elasticloadbalancing:RegisterTargets'], Resource: '*' }]);
    const ec2 = await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId()] })));
    expect(ec2.message).toMatch(
      new RegExp(
        `^You are not authorized to perform this operation\\. User: arn:aws:sts::123456789012:assumed-role/release-bot/i-0bot is not authorized to perform: ` +
          `ec2:TerminateInstances on resource: ${ACCOUNT}:instance/${instanceId()} with an explicit deny in an identity-based policy\\. ` +
          'Encoded authorization failure message: [A-Za-z0-9+/]+=*$',
      ),
    );
    const elb = await rejectionOf(clients.elb.send(new RegisterTargetsCommand({ TargetGroupArn: httpGroup, Targets: [{ Id: instanceId() }] })));
    expect(elb.message).toBe(
      `User: arn:aws:sts::123456789012:assumed-role/release-bot/i-0bot is not authorized to perform: elasticloadbalancing:RegisterTargets ` +
        `on resource: ${httpGroup} with an explicit deny in an identity-based policy`,
    );
  });

  it('names the configured principal', async () => {
    await start([{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }], 'arn:aws:iam::123456789012:user/ci');
    const err = await rejectionOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId()] })));
    expect(err.message).toContain('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ec2:TerminateInstances');
  });

  it('encodes the denied request’s context in the failure message, readable like sts:DecodeAuthorizationMessage', async () => {
    await start([{ Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'chat' } } }]);
    const err = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [instanceId()], Tags: [{ Key: 'role', Value: 'canary' }] })));
    const decoded = decodeAuthorizationMessage(/Encoded authorization failure message: (\S+)$/.exec(err.message)![1]);
    expect(decoded).toMatchObject({ allowed: false, explicitDeny: false, context: { action: 'ec2:CreateTags', resource: `${ACCOUNT}:instance/${instanceId()}` } });
    const conditions = Object.fromEntries(decoded.context.conditions.items.map((c) => [c.key, c.values.items.map((v) => v.value)]));
    expect(conditions).toMatchObject({
      'aws:ResourceTag/team': ['boards'],
      'ec2:ResourceTag/team': ['boards'],
      'aws:RequestTag/role': ['canary'],
      'aws:TagKeys': ['role'],
    });
    expect(conditions).not.toHaveProperty('ec2:CreateAction');
  });

  it('makes TagSpecifications need ec2:CreateTags with ec2:CreateAction=RunInstances, as AWS does', async () => {
    await start([{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }]);
    const err = await rejectionOf(launchTagged());
    expect(err.name).toBe('UnauthorizedOperation');
    expect(err.message).toContain(`not authorized to perform: ec2:CreateTags on resource: ${ACCOUNT}:instance/*`);
    await clients.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'board' } }));
  });

  it('sets ec2:CreateAction only for tags a launch applies, not for a CreateTags call', async () => {
    await start([
      { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
      { Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } } },
    ]);
    const { Instances } = await launchTagged();
    const err = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [Instances![0].InstanceId!], Tags: [{ Key: 'team', Value: 'chat' }] })));
    expect(err.message).toContain(`ec2:CreateTags on resource: ${ACCOUNT}:instance/${Instances![0].InstanceId}`);
  });

  it('judges ELBv2 calls by the target group’s tags and the tags a request adds', async () => {
    await start([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'elasticloadbalancing:*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/frozen': 'true' } } },
      { Effect: 'Deny', Action: 'elasticloadbalancing:AddTags', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['release-bot:managed-by'] } } },
    ]);
    const claim = await rejectionOf(clients.elb.send(new AddTagsCommand({ ResourceArns: [wsGroup], Tags: [{ Key: 'release-bot:managed-by', Value: 'release-bot' }] })));
    expect(claim.name).toBe('AccessDenied');
    await clients.elb.send(new AddTagsCommand({ ResourceArns: [wsGroup], Tags: [{ Key: 'frozen', Value: 'true' }] }));
    const frozen = await rejectionOf(clients.elb.send(new RegisterTargetsCommand({ TargetGroupArn: wsGroup, Targets: [{ Id: instanceId() }] })));
    expect(frozen.message).toContain(`elasticloadbalancing:RegisterTargets on resource: ${wsGroup} with an explicit deny`);
    await clients.elb.send(new RegisterTargetsCommand({ TargetGroupArn: httpGroup, Targets: [{ Id: instanceId() }] }));
  });

  it('authorizes a launch on each resource it creates or uses, with the tags it applies', async () => {
    await start([everything]);
    const plan = emulator.state.ec2.planLaunch({
      count: 1,
      launchTemplate: { name: 'board' },
      tags: { 'release-bot:managed-by': 'release-bot' },
      volumeTags: { team: 'boards' },
    });
    const requests = launchAuthorization(plan, emulator.state).map((r) => [r.action, r.resource, r.context]);
    const image = seeded.images[0];
    expect(requests).toEqual([
      ['ec2:RunInstances', `${ACCOUNT}:instance/*`, { 'aws:RequestTag/release-bot:managed-by': 'release-bot', 'aws:TagKeys': ['release-bot:managed-by'] }],
      ['ec2:RunInstances', `${ACCOUNT}:volume/*`, { 'aws:RequestTag/team': 'boards', 'aws:TagKeys': ['team'] }],
      ['ec2:RunInstances', `arn:aws:ec2:eu-west-1::image/${image.imageId}`, expect.objectContaining({ 'aws:ResourceTag/releaseVersion': '1.4.1', 'ec2:ResourceTag/commit': 'aaa111' })],
      ['ec2:RunInstances', `${ACCOUNT}:launch-template/${seeded.launchTemplate.launchTemplateId}`, {}],
      ['ec2:RunInstances', `${ACCOUNT}:subnet/subnet-0a1b2c3d`, {}],
      ['ec2:RunInstances', `${ACCOUNT}:network-interface/*`, {}],
      ['ec2:RunInstances', `${ACCOUNT}:security-group/*`, {}],
      [
        'ec2:CreateTags',
        `${ACCOUNT}:instance/*`,
        { 'aws:RequestTag/release-bot:managed-by': 'release-bot', 'aws:TagKeys': ['release-bot:managed-by'], 'ec2:CreateAction': 'RunInstances' },
      ],
      ['ec2:CreateTags', `${ACCOUNT}:volume/*`, { 'aws:RequestTag/team': 'boards', 'aws:TagKeys': ['team'], 'ec2:CreateAction': 'RunInstances' }],
    ]);
  });

  it('authorizes a replayed launch (same client token) like the first one', async () => {
    await start([{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }]);
    const input = { MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'board' }, ClientToken: 'deploy-42:canary' };
    const first = await clients.ec2.send(new RunInstancesCommand(input));
    const again = await clients.ec2.send(new RunInstancesCommand(input));
    expect(again.Instances?.[0].InstanceId).toBe(first.Instances?.[0].InstanceId);
  });
});
