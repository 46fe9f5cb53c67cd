import { RunInstancesCommand, TerminateInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTagsCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceConfig } from '../../config/catalog.js';
import type { Image } from '../../deploy/ports.js';
import { awsErrorCode, callAws, toDependencyError } from './aws-errors.js';
import { runInstancesInput } from './launch.js';

/**
 * Calls a mutation with DryRun: AWS checks permissions and parameters and answers
 * DryRunOperation when the call would have gone through, changing nothing. Any other answer is
 * the reason a real call would fail.
 */
async function dryRun(action: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (awsErrorCode(err) === 'DryRunOperation') return;
    throw toDependencyError(action, err);
  }
  throw toDependencyError(action, new Error('AWS carried out a call sent with DryRun'));
}

/** A fleet launch of one server from this image, as a release would send it, with DryRun. */
export function dryRunLaunch(ec2: EC2Client, service: ServiceConfig, image: Image): Promise<void> {
  const request = { service, image, count: 1, deployId: 'preflight', step: 'fleet', role: 'fleet' as const };
  const input = runInstancesInput(request, { subnetId: service.launch.subnets[0], count: 1 });
  return dryRun('RunInstances', () => ec2.send(new RunInstancesCommand({ ...input, DryRun: true })));
}

export function dryRunTerminate(ec2: EC2Client, instanceId: string): Promise<void> {
  return dryRun('TerminateInstances', () => ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId], DryRun: true })));
}

/** Each target group's tags (DescribeTags takes at most 20 ARNs a call). */
export async function targetGroupTags(elb: ElasticLoadBalancingV2Client, arns: string[]): Promise<Record<string, Record<string, string>>> {
  const tags: Record<string, Record<string, string>> = {};
  for (let i = 0; i < arns.length; i += 20) {
    const { TagDescriptions = [] } = await callAws('DescribeTags', () => elb.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) })));
    for (const d of TagDescriptions) if (d.ResourceArn) tags[d.ResourceArn] = Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }
  return tags;
}
