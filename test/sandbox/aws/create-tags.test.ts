import { CreateTagsCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import { seedService, type SeededService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

let emulator: AwsEmulator;
let seeded: SeededService;
let clients: ReturnType<typeof sdkClients>;

beforeEach(async () => {
  emulator = new AwsEmulator({ time: new ManualTime('2026-03-01T12:00:00.000Z') });
  seeded = seedService(emulator.state, exampleService(), { versions: [{ version: '1.4.1', commit: 'aaa111' }], fleet: { version: '1.4.1', count: 2 } });
  clients = sdkClients((await emulator.listen()).url);
});

afterEach(async () => {
  clients.destroy();
  await emulator.close();
});

const tagsOf = async (id: string) => {
  const { Reservations } = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return Object.fromEntries(Reservations![0].Instances![0].Tags!.map((t) => [t.Key, t.Value]));
};

describe('EC2 CreateTags through the SDK', () => {
  it('adds tags and replaces the values of keys the instance already has, visibly in DescribeInstances', async () => {
    const [a, b] = seeded.fleet.map((i) => i.instanceId);
    await clients.ec2.send(
      new CreateTagsCommand({ Resources: [a, b], Tags: [{ Key: 'release-bot:deploy-id', Value: 'rel-0007' }, { Key: 'owner', Value: 'boards' }] }),
    );
    for (const id of [a, b]) {
      expect(await tagsOf(id)).toMatchObject({ 'release-bot:deploy-id': 'rel-0007', owner: 'boards', service: 'board', 'release-bot:role': 'fleet' });
    }
    const byTag = await clients.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:release-bot:deploy-id', Values: ['rel-0007'] }] }));
    expect(byTag.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId) ?? [])).toEqual([a, b]);
  });

  it('stores a tag sent without a value as the empty string', async () => {
    const [a] = seeded.fleet.map((i) => i.instanceId);
    await clients.ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: 'marked' }] }));
    expect(await tagsOf(a)).toMatchObject({ marked: '' });
  });

  it('answers InvalidInstanceID.NotFound for an unknown instance and tags none of the others', async () => {
    const [a] = seeded.fleet.map((i) => i.instanceId);
    const before = await tagsOf(a);
    const err = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [a, 'i-0123456789abcdef0'], Tags: [{ Key: 'x', Value: 'y' }] })));
    expect(err.name).toBe('InvalidInstanceID.NotFound');
    expect(err.message).toContain('i-0123456789abcdef0');
    expect(await tagsOf(a)).toEqual(before);
  });

  it('refuses tags beyond the per-resource limit, counting the ones already there, and changes nothing', async () => {
    const [a] = seeded.fleet.map((i) => i.instanceId);
    const before = await tagsOf(a);
    const room = 50 - Object.keys(before).length;
    const Tags = Array.from({ length: room + 1 }, (_, n) => ({ Key: `k${n}`, Value: 'v' }));
    const err = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [a], Tags })));
    expect(err.name).toBe('TagLimitExceeded');
    expect(await tagsOf(a)).toEqual(before);
    await clients.ec2.send(new CreateTagsCommand({ Resources: [a], Tags: Tags.slice(0, room) }));
    expect(Object.keys(await tagsOf(a))).toHaveLength(50);
  });

  it('answers in EC2’s wire format and logs the request with its parameters', () => {
    const [a] = seeded.fleet.map((i) => i.instanceId);
    const answer = emulator.handle(`Action=CreateTags&Version=2016-11-15&ResourceId.1=${a}&Tag.1.Key=role&Tag.1.Value=fleet`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${answer.requestId}</requestId><return>true</return></CreateTagsResponse>`,
    );
    expect(emulator.requests.calls('CreateTags')).toEqual([
      { at: Date.parse('2026-03-01T12:00:00.000Z'), service: 'ec2', action: 'CreateTags', params: { 'ResourceId.1': a, 'Tag.1.Key': 'role', 'Tag.1.Value': 'fleet' }, status: 200 },
    ]);
  });

  it('answers MissingParameter without resources or without tags', () => {
    const [a] = seeded.fleet.map((i) => i.instanceId);
    expect(emulator.handle('Action=CreateTags&Version=2016-11-15&Tag.1.Key=role&Tag.1.Value=fleet').body).toContain('<Code>MissingParameter</Code>');
    expect(emulator.handle(`Action=CreateTags&Version=2016-11-15&ResourceId.1=${a}`).body).toContain('<Code>MissingParameter</Code>');
  });

  it('fails with an injected fault, logged like any other action, and tags nothing', async () => {
    const [a] = seeded.fleet.map((i) => i.instanceId);
    emulator.faults.add({ action: 'CreateTags', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', status: 403 });
    const err = await rejectionOf(clients.ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: 'x', Value: 'y' }] })));
    expect(err.name).toBe('UnauthorizedOperation');
    expect(emulator.requests.calls('CreateTags').map((c) => [c.status, c.errorCode])).toEqual([[403, 'UnauthorizedOperation']]);
    expect(await tagsOf(a)).not.toHaveProperty('x');
  });
});
