import { RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import type { CloudStateOptions } from '../../../src/sandbox/aws/cloud-state.js';
import type { TargetRecord } from '../../../src/sandbox/aws/model.js';
import { seedService, type SeededService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { rejectionOf, sdkClients } from './sdk-clients.js';

const service = exampleService();
const [httpGroup, wsGroup] = service.targetGroups;

let time: ManualTime;
let emulator: AwsEmulator;
let seeded: SeededService;
let clients: ReturnType<typeof sdkClients>;

async function start(options: CloudStateOptions = {}) {
  time = new ManualTime('2026-03-01T12:00:00.000Z');
  emulator = new AwsEmulator({ time, bootDelayMs: 10_000, shutdownDelayMs: 1_000, health: { delayMs: 5_000, intervalMs: 5_000 }, ...options });
  seeded = seedService(emulator.state, service, {
    versions: [{ version: '1.4.1', commit: 'aaa111' }],
    fleet: { version: '1.4.1', count: 1 },
    deregistrationDelaySeconds: 30,
  });
  clients = sdkClients((await emulator.listen()).url);
}

afterEach(async () => {
  clients.destroy();
  await emulator.close();
});

async function launchOne(): Promise<string> {
  const { Instances } = await clients.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'board' } }));
  return Instances![0].InstanceId!;
}

async function healthOf(instanceId: string, arn = httpGroup) {
  const { TargetHealthDescriptions } = await clients.elb.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: arn, Targets: [{ Id: instanceId, Port: 8080 }] }),
  );
  return TargetHealthDescriptions?.map((d) => d.TargetHealth);
}

const register = (id: string, arn = httpGroup) =>
  clients.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id, Port: 8080 }] }));

describe('ELBv2 target groups through the SDK', () => {
  beforeEach(() => start());

  it('describes target groups by ARN and by name', async () => {
    const byArn = await clients.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: service.targetGroups }));
    expect(byArn.TargetGroups?.map((g) => [g.TargetGroupName, g.Port, g.TargetType])).toEqual([
      ['board-http', 8080, 'instance'],
      ['board-ws', 8080, 'instance'],
    ]);
    const byName = await clients.elb.send(new DescribeTargetGroupsCommand({ Names: ['board-ws'] }));
    expect(byName.TargetGroups?.map((g) => g.TargetGroupArn)).toEqual([wsGroup]);
  });

  it('answers TargetGroupNotFound as a Sender fault when any one group is unknown', async () => {
    const unknown = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-old/0000000000000000';
    const err = await rejectionOf(clients.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [httpGroup, unknown] })));
    expect(err.name).toBe('TargetGroupNotFoundException');
    expect(err.Code).toBe('TargetGroupNotFound');
    expect(err.$fault).toBe('client');
    expect(err.Type).toBe('Sender');
  });

  it('reports the deregistration delay attribute', async () => {
    const { Attributes } = await clients.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: wsGroup }));
    expect(Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '30' });
  });

  it('writes target group attributes as ELBv2 does: Key and Value in members of Attributes inside the Result', () => {
    const answer = emulator.handle(`Action=DescribeTargetGroupAttributes&Version=2015-12-01&TargetGroupArn=${encodeURIComponent(wsGroup)}`);
    expect(answer.body).toContain(
      '<DescribeTargetGroupAttributesResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">' +
        '<DescribeTargetGroupAttributesResult><Attributes>' +
        '<member><Key>deregistration_delay.timeout_seconds</Key><Value>30</Value></member>',
    );
    expect(answer.body).toContain(`</Attributes></DescribeTargetGroupAttributesResult><ResponseMetadata><RequestId>${answer.requestId}</RequestId></ResponseMetadata>`);
  });
});

describe('ELBv2 target health through the SDK', () => {
  beforeEach(() => start());

  it('shows the seeded fleet healthy in every group', async () => {
    for (const arn of service.targetGroups) {
      const { TargetHealthDescriptions } = await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      expect(TargetHealthDescriptions).toEqual([
        { Target: { Id: seeded.fleet[0].instanceId, Port: 8080 }, HealthCheckPort: '8080', TargetHealth: { State: 'healthy' } },
      ]);
    }
  });

  it('keeps a booting target initial, then makes it healthy once its instance runs and passes a check', async () => {
    const id = await launchOne();
    await register(id);
    expect(await healthOf(id)).toEqual([{ State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' }]);
    await time.advance(5_000);
    expect((await healthOf(id))?.[0]?.State).toBe('initial');
    await time.advance(5_000 + 5_000);
    expect(await healthOf(id)).toEqual([{ State: 'healthy' }]);
  });

  it('drains a deregistered target for the group’s delay, then reports it not registered', async () => {
    const id = seeded.fleet[0].instanceId;
    await clients.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: httpGroup, Targets: [{ Id: id, Port: 8080 }] }));
    expect(await healthOf(id)).toEqual([{ State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' }]);
    expect((await healthOf(id, wsGroup))?.[0]?.State).toBe('healthy');
    await time.advance(29_999);
    expect((await healthOf(id))?.[0]?.State).toBe('draining');
    await time.advance(1);
    expect(await healthOf(id)).toEqual([{ State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' }]);
    const { TargetHealthDescriptions } = await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: httpGroup }));
    expect(TargetHealthDescriptions).toEqual([]);
  });

  it('deregisters an instance from every group when it is terminated', async () => {
    const id = seeded.fleet[0].instanceId;
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect((await healthOf(id))?.[0]?.State).toBe('draining');
    expect((await healthOf(id, wsGroup))?.[0]?.State).toBe('draining');
    await time.advance(30_000);
    expect((await healthOf(id, wsGroup))?.[0]?.State).toBe('unused');
  });

  it('refuses to register an instance that is unknown or no longer running', async () => {
    const unknown = await rejectionOf(register('i-0123456789abcdef0'));
    expect(unknown.Code).toBe('InvalidTarget');
    const id = seeded.fleet[0].instanceId;
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const stopped = await rejectionOf(register(id, wsGroup));
    expect(stopped.Code).toBe('InvalidTarget');
    expect(stopped.message).toContain(id);
  });

  it('fails health checks with the injected reason until healed', async () => {
    const id = await launchOne();
    emulator.faults.neverHealthy(id, 'Target.ResponseCodeMismatch');
    await register(id);
    for (let check = 0; check < 3; check++) await time.advance(5_000);
    expect(await healthOf(id)).toEqual([
      { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [500]' },
    ]);
    emulator.faults.heal(id);
    // Back in service after five passes in a row, ALB's default healthy threshold.
    await time.advance(5_000);
    expect((await healthOf(id))?.[0]?.State).toBe('unhealthy');
    await time.advance(20_000);
    expect(await healthOf(id)).toEqual([{ State: 'healthy' }]);
  });

  it('announces every target state change', async () => {
    const changes: Pick<TargetRecord, 'instanceId' | 'state'>[] = [];
    emulator.state.events.on('target-changed', ({ instanceId, state }) => changes.push({ instanceId, state }));
    const id = await launchOne();
    await register(id);
    await time.advance(10_000);
    await clients.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: httpGroup, Targets: [{ Id: id }] }));
    await time.advance(30_000);
    expect(changes.map((c) => c.state)).toEqual(['initial', 'healthy', 'draining', 'unused']);
  });
});

describe('pluggable health checks', () => {
  let board: Server;
  let status = 200;

  beforeEach(async () => {
    board = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => board.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(board.address() as AddressInfo).port}/healthz`;
    await start({
      health: {
        delayMs: 5_000,
        intervalMs: 5_000,
        check: async () => {
          const res = await fetch(url);
          return res.ok || { healthy: false, reason: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${res.status}]` };
        },
      },
    });
  });

  afterEach(() => new Promise<void>((resolve) => board.close(() => resolve())));

  it('follows an HTTP probe of the instance’s server, async, on the fake clock, taking a serving target out only after two failures in a row', async () => {
    const id = await launchOne();
    await register(id);
    await time.advance(10_000);
    expect(await healthOf(id)).toEqual([{ State: 'healthy' }]);
    status = 503;
    await time.advance(5_000);
    expect(await healthOf(id)).toEqual([{ State: 'healthy' }]);
    await time.advance(5_000);
    expect(await healthOf(id)).toEqual([{ State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [503]' }]);
  });
});
