import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, isManaged, MANAGED_BY_VALUE, TAG, type Instance } from '../../deploy/ports.js';
import { findInstances } from './instances.js';

const DONE = { terminate: 'terminated', adopt: 'adopted' } as const;
const OPERATION = { terminate: 'TerminateInstances', adopt: 'CreateTags' } as const;

/**
 * Looks up the instances and returns those that exist, refusing the whole call when any of them
 * was not launched by the bot for this service: a mutation must never reach an instance the bot
 * does not own, so the caller changes nothing unless this returns.
 */
export async function requireManaged(
  ec2: EC2Client,
  service: ServiceConfig,
  instanceIds: string[],
  pageSize: number,
  action: keyof typeof DONE,
): Promise<Instance[]> {
  const found = await findInstances(ec2, [{ Name: 'instance-id', Values: instanceIds }], pageSize);
  const foreign = found.filter((i) => !isManaged(i, service.name));
  if (foreign.length > 0) {
    throw new DependencyError(
      'aws',
      `Refusing to ${action} ${foreign.map((i) => i.instanceId).join(', ')}: not launched by the release bot for ${service.name} ` +
        `(needs tags ${TAG.managedBy}=${MANAGED_BY_VALUE} and ${TAG.service}=${service.name}). Nothing was ${DONE[action]}.`,
      undefined,
      'NotManagedByBot',
      OPERATION[action],
    );
  }
  return found;
}
