import { TerminateInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, MANAGED_BY_VALUE, TAG } from '../../deploy/ports.js';
import { callAws } from './aws-errors.js';
import { findInstances } from './instances.js';

/**
 * Terminates only what the bot launched for this service: every instance is looked up first and
 * one without the bot's tags refuses the whole call. Instances already gone are fine.
 */
export async function terminateManaged(ec2: EC2Client, service: ServiceConfig, instanceIds: string[], pageSize: number): Promise<void> {
  if (instanceIds.length === 0) return;
  const found = await findInstances(ec2, [{ Name: 'instance-id', Values: instanceIds }], pageSize);
  const foreign = found.filter((i) => i.tags[TAG.managedBy] !== MANAGED_BY_VALUE || i.tags[TAG.service] !== service.name);
  if (foreign.length > 0) {
    throw new DependencyError(
      'aws',
      `Refusing to terminate ${foreign.map((i) => i.instanceId).join(', ')}: not launched by the release bot for ${service.name} ` +
        `(needs tags ${TAG.managedBy}=${MANAGED_BY_VALUE} and ${TAG.service}=${service.name}). Nothing was terminated.`,
      undefined,
      'NotManagedByBot',
    );
  }
  const live = found.filter((i) => i.state !== 'shutting-down' && i.state !== 'terminated').map((i) => i.instanceId);
  if (live.length === 0) return;
  await callAws('TerminateInstances', () => ec2.send(new TerminateInstancesCommand({ InstanceIds: live })));
}
