import type { ServiceConfig } from '../config/catalog.js';
import { DependencyError, type Fleet, type Instance, type InstanceRole, type TargetHealth, type TargetState } from './ports.js';
import type { ThreadNote } from './records.js';
import { describeTargets, healthByInstance } from './target-health.js';

/**
 * The launch and arrival checks the pre-release (canaries) and the release (new fleet) share. Each
 * workflow keeps its own facts, wording and next state; only the AWS side and its reading live here.
 */

export interface LaunchSpec {
  imageId: string;
  imageName: string;
  commit: string | null;
  version: string;
  count: number;
  deployId: string;
  /** With deployId it makes the ClientToken, so a relaunch after a crash finds the same instances. */
  step: string;
  role: InstanceRole;
}

export async function launchInstances(fleet: Fleet, service: ServiceConfig, spec: LaunchSpec): Promise<Instance[]> {
  // A release that adopts its whole fleet has nothing to launch.
  if (spec.count <= 0) return [];
  return fleet.launch({
    service,
    image: { imageId: spec.imageId, name: spec.imageName, version: spec.version, state: 'available', createdAt: '', commit: spec.commit ?? undefined },
    count: spec.count,
    deployId: spec.deployId,
    step: spec.step,
    role: spec.role,
  });
}

export function privateIpsOf(instances: { instanceId: string; privateIp?: string | null }[]): Record<string, string> {
  const ips: Record<string, string> = {};
  for (const i of instances) if (i.privateIp) ips[i.instanceId] = i.privateIp;
  return ips;
}

export function launchedNote(instances: Instance[]): ThreadNote {
  return { type: 'launched', instances: instances.map((i) => ({ instanceId: i.instanceId, privateIp: i.privateIp })) };
}

/** AWS had no room for the launch: the deploy is failed and rolled back, not retried. */
export function capacityProblem(error: unknown): string | null {
  return error instanceof DependencyError && error.code === 'InsufficientInstanceCapacity' ? error.message : null;
}

export type Arrival =
  /** Some launched instance stopped or vanished before it could serve. */
  | { status: 'lost'; privateIps: Record<string, string>; stopped: Instance[]; missing: string[]; gone: string[] }
  | { status: 'starting' | 'late' | 'running'; privateIps: Record<string, string> };

/**
 * Where the launched instances are on their way to running. IPs learned on this look come back
 * with 'late' as well as 'running', so a rollback started then still knows where they are.
 */
export async function checkArrival(
  fleet: Fleet,
  service: ServiceConfig,
  ids: string[],
  seen: { privateIps: Record<string, string>; launchedAt: number | null; now: number; launchTimeout: number },
): Promise<Arrival> {
  const instances = await fleet.describe(service, ids);
  const alive = (i: Instance) => i.state === 'pending' || i.state === 'running';
  const stopped = instances.filter((i) => !alive(i));
  const missing = ids.filter((id) => !instances.some((i) => i.instanceId === id));
  const gone = ids.filter((id) => !instances.some((i) => i.instanceId === id && alive(i)));
  if (stopped.length > 0 || missing.length > 0) return { status: 'lost', privateIps: seen.privateIps, stopped, missing, gone };
  const privateIps = { ...seen.privateIps, ...privateIpsOf(instances) };
  if (instances.every((i) => i.state === 'running')) return { status: 'running', privateIps };
  return { status: seen.now - (seen.launchedAt ?? seen.now) > seen.launchTimeout ? 'late' : 'starting', privateIps };
}

export interface HealthReading {
  targets: TargetHealth[];
  health: Record<string, TargetState>;
  unhealthy: TargetHealth[];
  healthReason: string | null;
  /** Every target healthy, and at least one reported. */
  healthy: boolean;
}

export async function readHealth(fleet: Fleet, service: ServiceConfig, ids: string[]): Promise<HealthReading> {
  const targets = await fleet.health(service, ids);
  const unhealthy = targets.filter((t) => t.state !== 'healthy');
  return {
    targets,
    health: healthByInstance(targets),
    unhealthy,
    healthReason: unhealthy.length > 0 ? describeTargets(unhealthy) : null,
    healthy: unhealthy.length === 0 && targets.length > 0,
  };
}
