import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, isManaged, takeOverTags } from '../../deploy/ports.js';
import { callAws } from './aws-errors.js';
import { findInstances } from './instances.js';
import { tagList } from './tags.js';

/**
 * Tags servers of the service's existing fleet as managed by the bot. Only instances that carry
 * every fleet tag of the service and are pending or running qualify (the IAM policy's adoption
 * statement holds the bot to the same), or nothing is tagged. Those already managed are left alone.
 */
export async function takeOverFleet(ec2: EC2Client, service: ServiceConfig, instanceIds: string[], pageSize: number): Promise<void> {
  if (instanceIds.length === 0) return;
  const found = await findInstances(ec2, [{ Name: 'instance-id', Values: instanceIds }], pageSize);
  const fleetTags = Object.entries(service.fleet.tags);
  const qualifies = new Set(
    found.filter((i) => (i.state === 'pending' || i.state === 'running') && fleetTags.every(([key, value]) => i.tags[key] === value)).map((i) => i.instanceId),
  );
  const refused = instanceIds.filter((id) => !qualifies.has(id));
  if (refused.length > 0) {
    throw new DependencyError(
      'aws',
      `Refusing to take over ${refused.join(', ')}: not a pending or running server carrying the fleet tags of ${service.name} (${fleetTags.map(([k, v]) => `${k}=${v}`).join(', ')}). Nothing was tagged.`,
      undefined,
      'NotFleet',
      'CreateTags',
    );
  }
  const untagged = found.filter((i) => !isManaged(i, service.name)).map((i) => i.instanceId);
  if (untagged.length === 0) return;
  await callAws('CreateTags', () => ec2.send(new CreateTagsCommand({ Resources: untagged, Tags: tagList(takeOverTags(service.name)) })));
}
