import { paginateDescribeInstances, type EC2Client, type Filter, type Instance as SdkInstance } from '@aws-sdk/client-ec2';
import type { Instance, InstanceState } from '../../deploy/ports.js';
import { callAws } from './aws-errors.js';
import { tagRecord } from './tags.js';

export function toInstance(instance: SdkInstance): Instance {
  return {
    instanceId: instance.InstanceId ?? '',
    imageId: instance.ImageId ?? '',
    state: (instance.State?.Name ?? 'pending') as InstanceState,
    privateIp: instance.PrivateIpAddress,
    launchedAt: instance.LaunchTime?.toISOString(),
    tags: tagRecord(instance.Tags),
  };
}

/**
 * Every instance matching the filters, across all pages. Filters rather than InstanceIds, so an
 * ID that no longer exists is simply absent instead of failing the whole call.
 */
export async function findInstances(ec2: EC2Client, filters: Filter[], pageSize: number): Promise<Instance[]> {
  return callAws('DescribeInstances', async () => {
    const found: Instance[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize }, { Filters: filters })) {
      for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []).map(toInstance));
    }
    return found;
  });
}
