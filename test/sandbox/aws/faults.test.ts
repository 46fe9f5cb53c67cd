import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import { seedService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

const service = exampleService();

let emulator: AwsEmulator;
let url: string;
const clientsToClose: ReturnType<typeof sdkClients>[] = [];
const clients = (maxAttempts: number) => {
  const made = sdkClients(url, maxAttempts);
  clientsToClose.push(made);
  return made;
};

beforeEach(async () => {
  emulator = new AwsEmulator({ time: new ManualTime() });
  seedService(emulator.state, service, { versions: [{ version: '1.4.1', commit: 'aaa111' }] });
  url = (await emulator.listen()).url;
});

afterEach(async () => {
  for (const c of clientsToClose.splice(0)) c.destroy();
  await emulator.close();
});

const runOne = (maxAttempts: number, token?: string) =>
  clients(maxAttempts).ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'board' }, ClientToken: token }));

describe('fault injection', () => {
  it('throttles EC2 with RequestLimitExceeded (503), which the SDK retries', async () => {
    emulator.faults.throttle('DescribeInstances');
    await clients(2).ec2.send(new DescribeInstancesCommand({}));
    expect(emulator.requests.calls('DescribeInstances').map((c) => [c.status, c.errorCode])).toEqual([
      [503, 'RequestLimitExceeded'],
      [200, undefined],
    ]);
  });

  it('throttles ELBv2 with Throttling (400, Sender), which the SDK retries', async () => {
    emulator.faults.throttle('DescribeTargetGroups');
    const raw = emulator.handle('Action=DescribeTargetGroups&Version=2015-12-01');
    expect(raw.status).toBe(400);
    expect(raw.body).toContain('<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>');
    emulator.faults.throttle('DescribeTargetGroups');
    const { TargetGroups } = await clients(2).elb.send(new DescribeTargetGroupsCommand({}));
    expect(TargetGroups).toHaveLength(2);
  });

  it('answers InsufficientInstanceCapacity as EC2 does, for as many requests as asked', async () => {
    emulator.faults.add({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: 2 });
    const err = await rejectionOf(runOne(1));
    expect(err.name).toBe('InsufficientInstanceCapacity');
    expect(err.$metadata).toMatchObject({ httpStatusCode: 500 });
    expect(err.message).toContain('sufficient capacity');
    await expect(runOne(1)).rejects.toThrow(/capacity/);
    await expect(runOne(1)).resolves.toMatchObject({ Instances: [expect.anything()] });
    expect(emulator.state.ec2.instances()).toHaveLength(1);
  });

  it('applies a fault only to requests whose parameters match', async () => {
    emulator.faults.add({ action: 'RunInstances', code: 'Unsupported', message: 'not in this AZ', status: 400, when: (p) => p.ClientToken === 'bad', times: Infinity });
    await expect(runOne(1, 'good')).resolves.toBeDefined();
    await expect(runOne(1, 'bad')).rejects.toMatchObject({ name: 'Unsupported', message: 'not in this AZ' });
    await expect(runOne(1, 'bad')).rejects.toMatchObject({ name: 'Unsupported' });
    emulator.faults.clear();
    await expect(runOne(1, 'bad')).resolves.toBeDefined();
  });

  it('logs every request with its parameters, failed ones included', async () => {
    emulator.faults.add({ action: 'RunInstances', code: 'InternalError' });
    await rejectionOf(runOne(1, 'tok-1'));
    expect(emulator.requests.all()).toEqual([
      {
        at: Date.parse('2025-01-01T00:00:00.000Z'),
        service: 'ec2',
        action: 'RunInstances',
        params: { MaxCount: '1', MinCount: '1', 'LaunchTemplate.LaunchTemplateName': 'board', ClientToken: 'tok-1' },
        status: 500,
        errorCode: 'InternalError',
      },
    ]);
  });
});
