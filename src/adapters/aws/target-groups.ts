import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceConfig } from '../../config/catalog.js';
import type { TargetHealth, TargetState } from '../../deploy/ports.js';
import { awsErrorCode, callAws, toDependencyError } from './aws-errors.js';

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
