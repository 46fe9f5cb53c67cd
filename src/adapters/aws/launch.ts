import { RunInstancesCommand, type _InstanceType, type EC2Client, type LaunchTemplateSpecification, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, type Instance, type LaunchRequest } from '../../deploy/ports.js';
import { awsErrorCode, toDependencyError } from './aws-errors.js';
import { clientToken } from './client-token.js';
import { toInstance } from './instances.js';
import { launchTags, tagList } from './tags.js';

export interface Batch {
  subnetId?: string;
  count: number;
}

/** Spreads the instances over the catalog's subnets (and so its AZs), one RunInstances per subnet. */
function batches(count: number, subnets: string[]): Batch[] {
  if (subnets.length === 0) return [{ count }];
  return subnets
    .map((subnetId, i) => ({ subnetId, count: Math.floor(count / subnets.length) + (i < count % subnets.length ? 1 : 0) }))
    .filter((b) => b.count > 0);
}

function templateOf(service: ServiceConfig): LaunchTemplateSpecification {
  const { id, name, version } = service.launch.launchTemplate;
  return id ? { LaunchTemplateId: id, Version: version } : { LaunchTemplateName: name, Version: version };
}

function noCapacity(service: ServiceConfig, batch: Batch, err: unknown): DependencyError {
  const type = service.launch.instanceType ?? "the launch template's instance type";
  const where = batch.subnetId ?? 'the default subnet';
  const detail = err instanceof Error ? ` AWS said: ${err.message}` : '';
  return new DependencyError(
    'aws',
    `AWS has no capacity for ${type} in ${where} right now (InsufficientInstanceCapacity from RunInstances). ` +
      `Try another instance type (launch.instanceType) or another subnet/AZ (launch.subnets) for ${service.name}, or retry later.${detail}`,
    undefined,
    'InsufficientInstanceCapacity',
    'RunInstances',
  );
}

/** One batch of a launch as RunInstances takes it; the pre-flight check sends the same with DryRun. */
export function runInstancesInput(request: LaunchRequest, batch: Batch): RunInstancesCommandInput {
  const tags = tagList(launchTags(request));
  return {
    LaunchTemplate: templateOf(request.service),
    ImageId: request.image.imageId,
    // The catalog validates the shape; AWS decides whether the type exists.
    InstanceType: request.service.launch.instanceType as _InstanceType | undefined,
    SubnetId: batch.subnetId,
    MinCount: batch.count,
    MaxCount: batch.count,
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
  };
}

/** RunInstances with a client token per deploy, step and batch, so a repeated launch returns the same instances. */
export async function launchInstances(ec2: EC2Client, request: LaunchRequest): Promise<Instance[]> {
  const { service, count, deployId, step } = request;
  const planned = batches(count, service.launch.subnets);
  const launched: Instance[] = [];
  for (const [index, batch] of planned.entries()) {
    const command = new RunInstancesCommand({ ...runInstancesInput(request, batch), ClientToken: clientToken(deployId, step, planned.length > 1 ? index : undefined) });
    try {
      const reservation = await ec2.send(command);
      launched.push(...(reservation.Instances ?? []).map(toInstance));
    } catch (err) {
      throw awsErrorCode(err) === 'InsufficientInstanceCapacity' ? noCapacity(service, batch, err) : toDependencyError('RunInstances', err);
    }
  }
  return launched;
}
