import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import type { ImageRecord, InstanceRecord, TargetGroupRecord, TargetRecord } from '../../../src/sandbox/aws/model.js';
import { httpHealthCheck } from '../../../src/sandbox/instances/health-check.js';
import type { InstanceCommand, InstanceLogEntry } from '../../../src/sandbox/instances/instance-process.js';
import { startInstanceProcesses, type InstanceProcesses, type InstanceProcessesOptions } from '../../../src/sandbox/instances/instance-processes.js';
import { freePort } from '../../../src/util/free-port.js';
import { isRunning, STAND_IN } from './processes.js';

const WAIT = { timeout: 20_000, interval: 20 };

let port: number;
let emulator: AwsEmulator;
let image: ImageRecord;
let group: TargetGroupRecord;
let logs: InstanceLogEntry[];
let processes: InstanceProcesses | undefined;

beforeEach(async () => {
  port = await freePort();
  emulator = new AwsEmulator({
    bootDelayMs: 20,
    shutdownDelayMs: 5_000,
    privateIp: (n) => `127.88.0.${n + 1}`,
    health: { delayMs: 50, intervalMs: 100, check: httpHealthCheck({ timeoutMs: 1_000 }) },
  });
  image = emulator.state.ec2.addImage({ name: 'board-1.1.0', tags: { releaseVersion: '1.1.0' } });
  group = emulator.state.elb.addTargetGroup({ name: 'board-http', port, healthCheckPath: '/healthz' });
  logs = [];
});

afterEach(async () => {
  await processes?.stop();
  processes = undefined;
  await emulator.close();
});

/** The stand-in server, told its version by the AMI's tag; an instance tagged `stubborn` ignores SIGTERM. */
function standIn(instance: InstanceRecord, of: ImageRecord): InstanceCommand {
  return {
    cmd: process.execPath,
    args: ['--import', 'tsx', STAND_IN],
    env: { VERSION: of.tags.releaseVersion, IGNORE_SIGTERM: instance.tags.stubborn === 'yes' ? '1' : '0' },
  };
}

function manage(command: InstanceProcessesOptions['command'] = standIn, stopGraceMs = 500): InstanceProcesses {
  processes = startInstanceProcesses({ emulator, port, command, log: (entry) => logs.push(entry), stopGraceMs });
  return processes;
}

function launch(tags: Record<string, string> = {}): InstanceRecord {
  const [instance] = emulator.state.ec2.runInstances({ imageId: image.imageId, count: 1, tags }).instances;
  emulator.state.elb.register(group.targetGroupArn, [{ id: instance.instanceId }]);
  return instance;
}

function target(instance: InstanceRecord): TargetRecord {
  return emulator.state.elb.describeHealth(group.targetGroupArn, [{ id: instance.instanceId }])[0];
}

function linesOf(instance: InstanceRecord, stream: InstanceLogEntry['stream']): string[] {
  return logs.filter((e) => e.instanceId === instance.instanceId && e.stream === stream).map((e) => e.line);
}

function pidOf(instance: InstanceRecord): number {
  const found = processes?.list().find((p) => p.instanceId === instance.instanceId);
  if (!found) throw new Error(`no process for ${instance.instanceId}`);
  return found.pid;
}

describe('instance processes', () => {
  it('runs a launched instance as a process at its private IP and port, which the health checker then finds healthy', async () => {
    manage();
    const instance = launch();
    await vi.waitFor(() => expect(target(instance).state).toBe('healthy'), WAIT);
    expect(linesOf(instance, 'stdout')).toContain(`listening on 127.88.0.1:${port} as ${instance.instanceId} version 1.1.0`);
    expect(linesOf(instance, 'stderr')).toContain('warming up');
    expect(linesOf(instance, 'manager')[0]).toMatch(/^started pid \d+: .*stand-in-server\.ts$/);
    expect(isRunning(pidOf(instance))).toBe(true);
  });

  it('stops the process with SIGTERM when its instance is terminated', async () => {
    manage();
    const instance = launch();
    await vi.waitFor(() => expect(target(instance).state).toBe('healthy'), WAIT);
    const pid = pidOf(instance);

    emulator.state.ec2.terminate([instance.instanceId]);
    await vi.waitFor(() => expect(linesOf(instance, 'manager')).toContain('exited with code 0'), WAIT);
    expect(linesOf(instance, 'stdout')).toContain('stopping');
    expect(isRunning(pid)).toBe(false);
    expect(processes?.list()).toEqual([]);
  });

  it('kills a process that ignores SIGTERM once the grace is over', async () => {
    manage();
    const instance = launch({ stubborn: 'yes' });
    await vi.waitFor(() => expect(linesOf(instance, 'stdout')).toContain(`listening on 127.88.0.1:${port} as ${instance.instanceId} version 1.1.0`), WAIT);
    const pid = pidOf(instance);

    emulator.state.ec2.terminate([instance.instanceId]);
    await vi.waitFor(() => expect(linesOf(instance, 'manager')).toContain('killed by SIGKILL'), WAIT);
    expect(linesOf(instance, 'stdout')).toContain('ignoring SIGTERM');
    expect(emulator.state.ec2.instance(instance.instanceId)?.state).toBe('shutting-down');
    expect(isRunning(pid)).toBe(false);
  });

  it('leaves a crashed process dead, so its still-running instance fails health checks with the reason', async () => {
    manage();
    const instance = launch();
    await vi.waitFor(() => expect(target(instance).state).toBe('healthy'), WAIT);

    await (await fetch(`http://${instance.privateIp}:${port}/crash`)).text();
    await vi.waitFor(() => expect(target(instance).state).toBe('unhealthy'), WAIT);
    expect(target(instance)).toMatchObject({ reason: 'Target.FailedHealthChecks', description: expect.stringContaining('ECONNREFUSED') });
    expect(linesOf(instance, 'manager')).toContain('exited with code 3');
    expect(emulator.state.ec2.instance(instance.instanceId)?.state).toBe('running');
    expect(processes?.list()).toEqual([]);
  });

  it('starts the processes of a fleet already running, and stop() ends every one of them', async () => {
    const fleet = emulator.state.ec2.launch({ imageId: image.imageId, count: 2 }, { running: true }).instances;
    const manager = manage();
    expect(manager.list().map((p) => p.instanceId)).toEqual(fleet.map((i) => i.instanceId));
    const pids = manager.list().map((p) => p.pid);
    await vi.waitFor(() => expect(logs.filter((e) => e.line.startsWith('listening on'))).toHaveLength(2), WAIT);

    await manager.stop();
    expect(manager.list()).toEqual([]);
    expect(pids.filter(isRunning)).toEqual([]);
    for (const instance of fleet) expect(linesOf(instance, 'manager')).toContain('exited with code 0');
  });

  it('runs nothing when the command is null, and reports a command that cannot start', async () => {
    const other = emulator.state.ec2.addImage({ name: 'other-service-2.0.0' });
    manage((_instance, of) => (of.imageId === other.imageId ? null : { cmd: '/nonexistent/board-server', args: [] }));
    const [empty] = emulator.state.ec2.runInstances({ imageId: other.imageId, count: 1 }).instances;
    const broken = launch();
    await vi.waitFor(() => expect(linesOf(broken, 'manager')).toEqual(['failed to start: spawn /nonexistent/board-server ENOENT']), WAIT);
    expect(emulator.state.ec2.instance(empty.instanceId)?.state).toBe('running');
    expect(logs.filter((e) => e.instanceId === empty.instanceId)).toEqual([]);
    expect(processes?.list()).toEqual([]);
  });
});
