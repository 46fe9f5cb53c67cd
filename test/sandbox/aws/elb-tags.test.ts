import {
  AddTagsCommand,
  DescribeTagsCommand,
  RemoveTagsCommand,
  type AddTagsCommandInput,
  type DescribeTagsCommandInput,
  type RemoveTagsCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import { seedService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

const service = exampleService();
const [httpGroup, wsGroup] = service.targetGroups;
const UNKNOWN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-old/0000000000000000';
const MANAGED = { Key: 'release-bot:managed-by', Value: 'release-bot' };

let emulator: AwsEmulator;
let clients: ReturnType<typeof sdkClients>;

beforeEach(async () => {
  emulator = new AwsEmulator({ time: new ManualTime('2026-03-01T12:00:00.000Z') });
  seedService(emulator.state, service, { versions: [{ version: '1.4.1', commit: 'aaa111' }] });
  clients = sdkClients((await emulator.listen()).url);
});

afterEach(async () => {
  clients.destroy();
  await emulator.close();
});

const describeTags = async (...arns: string[]) => {
  const { TagDescriptions } = await clients.elb.send(new DescribeTagsCommand({ ResourceArns: arns }));
  return TagDescriptions?.map((d) => [d.ResourceArn, d.Tags]);
};

describe('ELBv2 target group tags through the SDK', () => {
  it('describes the tags of each target group asked for, in order', async () => {
    expect(await describeTags(wsGroup, httpGroup)).toEqual([
      [wsGroup, [MANAGED]],
      [httpGroup, [MANAGED]],
    ]);
  });

  it('writes DescribeTags as ELBv2 does: ResourceArn and member-wrapped Tags inside TagDescriptions', () => {
    const answer = emulator.handle(`Action=DescribeTags&Version=2015-12-01&ResourceArns.member.1=${encodeURIComponent(httpGroup)}`);
    expect(answer.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<DescribeTagsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTagsResult><TagDescriptions><member>' +
        `<ResourceArn>${httpGroup}</ResourceArn><Tags><member><Key>release-bot:managed-by</Key><Value>release-bot</Value></member></Tags>` +
        `</member></TagDescriptions></DescribeTagsResult><ResponseMetadata><RequestId>${answer.requestId}</RequestId></ResponseMetadata></DescribeTagsResponse>`,
    );
  });

  it('adds tags, replacing the value of a key a group already has, and removes tags by key', async () => {
    await clients.elb.send(new AddTagsCommand({ ResourceArns: [httpGroup, wsGroup], Tags: [{ Key: 'team', Value: 'boards' }, { ...MANAGED, Value: 'ops' }] }));
    expect(await describeTags(httpGroup)).toEqual([[httpGroup, [{ ...MANAGED, Value: 'ops' }, { Key: 'team', Value: 'boards' }]]]);
    await clients.elb.send(new RemoveTagsCommand({ ResourceArns: [httpGroup], TagKeys: [MANAGED.Key, 'not-there'] }));
    expect(await describeTags(httpGroup, wsGroup)).toEqual([
      [httpGroup, [{ Key: 'team', Value: 'boards' }]],
      [wsGroup, [{ ...MANAGED, Value: 'ops' }, { Key: 'team', Value: 'boards' }]],
    ]);
  });

  it('stores a tag sent without a value as the empty string', async () => {
    await clients.elb.send(new AddTagsCommand({ ResourceArns: [httpGroup], Tags: [{ Key: 'marked' }] }));
    expect(emulator.state.elb.requireTargetGroup(httpGroup).tags).toMatchObject({ marked: '' });
  });

  it('answers TargetGroupNotFound for an unknown ARN and tags none of the others', async () => {
    for (const call of [
      clients.elb.send(new DescribeTagsCommand({ ResourceArns: [httpGroup, UNKNOWN] })),
      clients.elb.send(new AddTagsCommand({ ResourceArns: [httpGroup, UNKNOWN], Tags: [{ Key: 'x', Value: 'y' }] })),
      clients.elb.send(new RemoveTagsCommand({ ResourceArns: [httpGroup, UNKNOWN], TagKeys: [MANAGED.Key] })),
    ]) {
      const err = await rejectionOf(call);
      expect(err.name).toBe('TargetGroupNotFoundException');
      expect(err.Type).toBe('Sender');
    }
    expect(emulator.state.elb.requireTargetGroup(httpGroup).tags).toEqual({ [MANAGED.Key]: MANAGED.Value });
  });

  it('describes at most 20 resources in one call', async () => {
    const err = await rejectionOf(clients.elb.send(new DescribeTagsCommand({ ResourceArns: Array.from({ length: 21 }, (_, n) => `${UNKNOWN}${n}`) })));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toMatch(/at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20$/);
  });

  it('refuses a repeated key, a reserved aws: key, and more than 50 tags on a group, changing nothing', async () => {
    const duplicate = await rejectionOf(clients.elb.send(new AddTagsCommand({ ResourceArns: [httpGroup], Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })));
    expect(duplicate.name).toBe('DuplicateTagKeysException');
    const reserved = await rejectionOf(clients.elb.send(new AddTagsCommand({ ResourceArns: [httpGroup], Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'x' }] })));
    expect(reserved.name).toBe('ValidationError');
    const fifty = Array.from({ length: 50 }, (_, n) => ({ Key: `k${n}`, Value: 'v' }));
    const tooMany = await rejectionOf(clients.elb.send(new AddTagsCommand({ ResourceArns: [wsGroup, httpGroup], Tags: fifty })));
    expect(tooMany.name).toBe('TooManyTagsException');
    expect(emulator.state.elb.targetGroups().map((g) => Object.keys(g.tags))).toEqual([[MANAGED.Key], [MANAGED.Key]]);
  });

  it('requires resources, tags and tag keys', async () => {
    const missing = (field: string) => `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`;
    const calls = [
      clients.elb.send(new DescribeTagsCommand({} as DescribeTagsCommandInput)),
      clients.elb.send(new AddTagsCommand({ ResourceArns: [httpGroup] } as AddTagsCommandInput)),
      clients.elb.send(new RemoveTagsCommand({ ResourceArns: [httpGroup] } as RemoveTagsCommandInput)),
    ];
    const errors = await Promise.all(calls.map((call) => rejectionOf(call)));
    expect(errors.map((e) => [e.name, e.message])).toEqual([
      ['ValidationError', missing('resourceArns')],
      ['ValidationError', missing('tags')],
      ['ValidationError', missing('tagKeys')],
    ]);
  });
});
