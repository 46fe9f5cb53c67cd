import type { AwsEmulator } from '../aws/emulator.js';
import type { ImageRecord, InstanceRecord } from '../aws/model.js';
import { InstanceProcess, type InstanceCommand, type InstanceLogEntry } from './instance-process.js';

export interface InstanceProcessesOptions {
  emulator: AwsEmulator;
  /** What to run for an instance of this image; `null` runs nothing (the instance stays an empty machine). */
  command: (instance: InstanceRecord, image: ImageRecord) => InstanceCommand | null;
  /** The port each instance's server listens on at its private IP, passed as PORT; register targets on it. */
  port: number;
  /** Every output line of every instance, and what happened to its process. */
  log?: (entry: InstanceLogEntry) => void;
  /** Between SIGTERM and SIGKILL (default 5 s). */
  stopGraceMs?: number;
}

export interface RunningInstanceProcess {
  instanceId: string;
  pid: number;
}

export interface InstanceProcesses {
  /** The processes alive now. */
  list(): RunningInstanceProcess[];
  /** Stops following the emulator, then stops every process (SIGTERM, SIGKILL after the grace) and waits for all. */
  stop(): Promise<void>;
}

/**
 * Makes the emulator's instances real: one OS process per `running` instance (those already
 * running at start included), with HOST set to its private IP. `shutting-down` sends SIGTERM
 * (SIGKILL after the grace); `terminated` kills what is left, the machine being gone. A process
 * that crashes is not restarted: its instance keeps running and fails its health checks, as on
 * EC2. Boot time is the emulator's `bootDelayMs` plus the process's own start-up.
 */
export function startInstanceProcesses(options: InstanceProcessesOptions): InstanceProcesses {
  const { emulator, command, port, log = () => {}, stopGraceMs = 5_000 } = options;
  const { events, ec2 } = emulator.state;
  const processes = new Map<string, InstanceProcess>();

  const start = (instance: InstanceRecord) => {
    if (processes.has(instance.instanceId)) return;
    const note = (line: string) => log({ instanceId: instance.instanceId, stream: 'manager', line });
    const image = ec2.images().find((i) => i.imageId === instance.imageId);
    if (!image) return note(`not started: image ${instance.imageId} is unknown`);
    let what: InstanceCommand | null;
    try {
      what = command(structuredClone(instance), structuredClone(image));
    } catch (err) {
      return note(`not started: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!what) return;
    const env = { ...process.env, HOST: instance.privateIp, PORT: String(port), INSTANCE_ID: instance.instanceId, ...what.env };
    const child = new InstanceProcess(instance.instanceId, what, env, log);
    processes.set(instance.instanceId, child);
    void child.exited.then(() => processes.delete(instance.instanceId));
  };
  const shutDown = (instance: InstanceRecord) => void processes.get(instance.instanceId)?.stop(stopGraceMs);
  const terminated = (instance: InstanceRecord) => void processes.get(instance.instanceId)?.kill();

  events.on('instance-running', start);
  events.on('instance-shutting-down', shutDown);
  events.on('instance-terminated', terminated);
  for (const instance of ec2.instances()) if (instance.state === 'running') start(instance);

  return {
    list: () => [...processes.values()].flatMap((p) => (p.alive && p.pid !== undefined ? [{ instanceId: p.instanceId, pid: p.pid }] : [])),
    stop: async () => {
      events.off('instance-running', start);
      events.off('instance-shutting-down', shutDown);
      events.off('instance-terminated', terminated);
      await Promise.all([...processes.values()].map((p) => p.stop(stopGraceMs)));
    },
  };
}
