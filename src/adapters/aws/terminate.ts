import { TerminateInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { callAws } from './aws-errors.js';
import { requireManaged } from './managed.js';

/**
 * Terminates only what the bot launched for this service: every instance is looked up first and
 * one without the bot's tags refuses the whole call. Instances already gone are fine.
 */
export async function terminateManaged(ec2: EC2Client, service: ServiceConfig, instanceIds: string[], pageSize: number): Promise<void> {
  if (instanceIds.length === 0) return;
  const found = await requireManaged(ec2, service, instanceIds, pageSize, 'terminate');
  const live = found.filter((i) => i.state !== 'shutting-down' && i.state !== 'terminated').map((i) => i.instanceId);
  if (live.length === 0) return;
  await callAws('TerminateInstances', () => ec2.send(new TerminateInstancesCommand({ InstanceIds: live })));
}
