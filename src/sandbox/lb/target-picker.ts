import { createHash } from 'node:crypto';
import type { CloudState } from '../aws/cloud-state.js';

/** Where a connection goes: the instance's private IP (a loopback address in the sandbox) and the registered port. */
export interface Target {
  instanceId: string;
  port: number;
  host: string;
}

export function targetKey(target: { instanceId: string; port: number }): string {
  return `${target.instanceId}:${target.port}`;
}

/**
 * Chooses the target of each new connection among the group's `healthy` targets, round robin as
 * ALB's default `round_robin` algorithm does. It reads the emulator on every choice, so a target
 * stops receiving new connections the moment it leaves `healthy` (draining, unhealthy, removed).
 *
 * A connection that names a board (`?board=` on the websocket URL) goes to the same server as
 * every other session of that board, by rendezvous hashing over the healthy targets: a board is
 * open on one server, as the product keeps it, and moves as a whole when that server is drained.
 */
export class TargetPicker {
  private turn = 0;

  constructor(
    private readonly state: CloudState,
    private readonly targetGroupArn: string,
  ) {}

  next(affinity?: string): Target | undefined {
    const healthy = this.state.elb
      .describeHealth(this.targetGroupArn)
      .filter((t) => t.state === 'healthy')
      .flatMap((t) => {
        const instance = this.state.ec2.instance(t.instanceId);
        return instance ? [{ instanceId: t.instanceId, port: t.port, host: instance.privateIp }] : [];
      });
    if (healthy.length === 0) return undefined;
    if (affinity) return healthy.reduce((best, t) => (weight(affinity, t) > weight(affinity, best) ? t : best));
    const target = healthy[this.turn % healthy.length];
    this.turn += 1;
    return target;
  }
}

function weight(key: string, target: Target): string {
  return createHash('sha1').update(`${key}\u0000${targetKey(target)}`).digest('hex');
}
