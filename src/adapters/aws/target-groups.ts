import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, type TargetHealth, type TargetState } from '../../deploy/ports.js';
import { awsErrorCode, callAws, toDependencyError } from './aws-errors.js';

const DEREGISTRATION_DELAY = 'deregistration_delay.timeout_seconds';

async function exists(elb: ElasticLoadBalancingV2Client, arn: string): Promise<boolean> {
  try {
    await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
    return true;
  } catch (err) {
    if (awsErrorCode(err) === 'TargetGroupNotFound') return false;
    throw toDependencyError('DescribeTargetGroups', err);
  }
}

/** One call for all groups; only when AWS says some are missing, one call each to find which. */
export async function missingTargetGroups(elb: ElasticLoadBalancingV2Client, service: ServiceConfig): Promise<string[]> {
  try {
    const { TargetGroups = [] } = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: service.targetGroups }));
    const found = new Set(TargetGroups.map((g) => g.TargetGroupArn));
    return service.targetGroups.filter((arn) => !found.has(arn));
  } catch (err) {
    if (awsErrorCode(err) !== 'TargetGroupNotFound') throw toDependencyError('DescribeTargetGroups', err);
  }
  const present = await Promise.all(service.targetGroups.map((arn) => exists(elb, arn)));
  return service.targetGroups.filter((_, i) => !present[i]);
}

function targets(service: ServiceConfig, instanceIds: string[]) {
  return instanceIds.map((Id) => ({ Id, Port: service.port }));
}

export async function registerTargets(elb: ElasticLoadBalancingV2Client, service: ServiceConfig, instanceIds: string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  await Promise.all(
    service.targetGroups.map((TargetGroupArn) =>
      callAws('RegisterTargets', () => elb.send(new RegisterTargetsCommand({ TargetGroupArn, Targets: targets(service, instanceIds) }))),
    ),
  );
}

export async function deregisterTargets(elb: ElasticLoadBalancingV2Client, service: ServiceConfig, instanceIds: string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  await Promise.all(
    service.targetGroups.map((TargetGroupArn) =>
      callAws('DeregisterTargets', () => elb.send(new DeregisterTargetsCommand({ TargetGroupArn, Targets: targets(service, instanceIds) }))),
    ),
  );
}

export async function targetHealth(elb: ElasticLoadBalancingV2Client, service: ServiceConfig, instanceIds: string[]): Promise<TargetHealth[]> {
  if (instanceIds.length === 0) return [];
  const perGroup = await Promise.all(
    service.targetGroups.map(async (targetGroupArn) => {
      const { TargetHealthDescriptions = [] } = await callAws('DescribeTargetHealth', () =>
        elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn, Targets: targets(service, instanceIds) })),
      );
      return TargetHealthDescriptions.map(
        (d): TargetHealth => ({
          targetGroupArn,
          instanceId: d.Target?.Id ?? '',
          state: (d.TargetHealth?.State ?? 'unavailable') as TargetState,
          reason: d.TargetHealth?.Reason,
          description: d.TargetHealth?.Description,
        }),
      );
    }),
  );
  return perGroup.flat();
}

/** How long each group keeps a deregistered target's connections open, in ms. */
export async function deregistrationDelays(elb: ElasticLoadBalancingV2Client, service: ServiceConfig): Promise<Record<string, number>> {
  const delays = await Promise.all(
    service.targetGroups.map(async (TargetGroupArn) => {
      const { Attributes = [] } = await callAws('DescribeTargetGroupAttributes', () =>
        elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn })),
      );
      const seconds = Attributes.find((a) => a.Key === DEREGISTRATION_DELAY)?.Value;
      if (seconds === undefined || !/^\d+$/.test(seconds)) {
        throw new DependencyError('aws', `AWS DescribeTargetGroupAttributes gave no whole number of seconds for ${DEREGISTRATION_DELAY} of ${TargetGroupArn} (got ${seconds ?? 'nothing'}).`);
      }
      return [TargetGroupArn, Number(seconds) * 1000] as const;
    }),
  );
  return Object.fromEntries(delays);
}
