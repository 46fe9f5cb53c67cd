import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError } from '../../deploy/ports.js';
import { callAws } from './aws-errors.js';
import { requireManaged } from './managed.js';
import { adoptionTags, tagList } from './tags.js';

/**
 * Retags canaries as fleet of the adopting deploy. Every instance must be pending or running and
 * launched by the bot for this service, or nothing is tagged. Instances already carrying the
 * tags are left alone, so repeating an adoption sends nothing.
 */
export async function adoptManaged(ec2: EC2Client, service: ServiceConfig, instanceIds: string[], deployId: string, pageSize: number): Promise<void> {
  if (instanceIds.length === 0) return;
  const found = await requireManaged(ec2, service, instanceIds, pageSize, 'adopt');
  const live = new Set(found.filter((i) => i.state === 'pending' || i.state === 'running').map((i) => i.instanceId));
  const gone = instanceIds.filter((id) => !live.has(id));
  if (gone.length > 0) {
    throw new DependencyError(
      'aws',
      `Cannot adopt ${gone.join(', ')} into the ${service.name} fleet: not pending or running (stopped, terminated or unknown). Nothing was adopted.`,
      undefined,
      'IncorrectInstanceState',
    );
  }
  const tags = adoptionTags(service, deployId);
  const retag = found.filter((i) => Object.entries(tags).some(([key, value]) => i.tags[key] !== value)).map((i) => i.instanceId);
  if (retag.length === 0) return;
  await callAws('CreateTags', () => ec2.send(new CreateTagsCommand({ Resources: retag, Tags: tagList(tags) })));
}
