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
 */
export class TargetPicker {
  private turn = 0;

  constructor(
    private readonly state: CloudState,
    private readonly targetGroupArn: string,
  ) {}

  next(): Target | undefined {
    const healthy = this.state.elb
      .describeHealth(this.targetGroupArn)
      .filter((t) => t.state === 'healthy')
      .flatMap((t) => {
        const instance = this.state.ec2.instance(t.instanceId);
        return instance ? [{ instanceId: t.instanceId, port: t.port, host: instance.privateIp }] : [];
      });
    if (healthy.length === 0) return undefined;
    const target = healthy[this.turn % healthy.length];
    this.turn += 1;
    return target;
  }
}
