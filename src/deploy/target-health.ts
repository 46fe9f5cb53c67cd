import type { TargetHealth, TargetState } from './ports.js';

/** An instance is as healthy as its worst target group says. */
export function healthByInstance(targets: TargetHealth[]): Record<string, TargetState> {
  const worst: Record<string, TargetState> = {};
  for (const t of targets) if (worst[t.instanceId] === undefined || worst[t.instanceId] === 'healthy') worst[t.instanceId] = t.state;
  return worst;
}

/** The load balancer's own words for each target: state, reason code and description, per group. */
export function describeTargets(targets: TargetHealth[]): string {
  return targets
    .map((t) => `${t.instanceId} ${t.state}${t.reason ? ` (${t.reason}${t.description ? `: ${t.description}` : ''})` : ''} in ${t.targetGroupArn.split(':').pop()}`)
    .join('; ');
}
