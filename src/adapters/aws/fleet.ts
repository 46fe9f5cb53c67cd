import type { Filter } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, MANAGED_BY_VALUE, TAG, type Fleet, type Image, type Instance } from '../../deploy/ports.js';
import { dryRunLaunch, dryRunTerminate, targetGroupTags } from './dry-runs.js';
import { awsErrorCode } from './aws-errors.js';
import { adoptManaged } from './adopt.js';
import { AwsClientPool, type AwsClientOptions, type RegionClients } from './aws-clients.js';
import { findImage, listImages } from './images.js';
import { findInstances } from './instances.js';
import { launchInstances } from './launch.js';
import { deregisterTargets, deregistrationDelays, missingTargetGroups, registerTargets, targetHealth } from './target-groups.js';
import { tagFilters } from './tags.js';
import { takeOverFleet } from './take-over.js';
import { terminateManaged } from './terminate.js';

export interface AwsFleetOptions extends AwsClientOptions {
  /** Supplies a region's clients instead of building them from the options above. */
  clients?: (region: string) => RegionClients;
  /** DescribeInstances page size, 5 to 1000 (default 1000). */
  pageSize?: number;
}

/** What the pre-flight check asks of AWS beyond the Fleet port; none of it changes anything. */
export interface AwsChecks {
  /** The credentials the SDK's chain resolves to for this service's region (only the key ID is kept). */
  credentials(service: ServiceConfig): Promise<{ accessKeyId: string }>;
  /** Resolves when AWS says a fleet launch from this image would go through. */
  dryRunLaunch(service: ServiceConfig, image: Image): Promise<void>;
  /** Resolves when AWS says terminating this instance would go through. */
  dryRunTerminate(service: ServiceConfig, instanceId: string): Promise<void>;
  /** Tags of each of the service's target groups, by ARN. */
  targetGroupTags(service: ServiceConfig): Promise<Record<string, Record<string, string>>>;
}

export interface AwsFleet extends Fleet {
  checks: AwsChecks;
  /** Closes the clients this fleet created (injected clients are left alone). */
  destroy(): void;
}

const LIVE: Filter = { Name: 'instance-state-name', Values: ['pending', 'running'] };

function uniqueById(instances: Instance[]): Instance[] {
  return [...new Map(instances.map((i) => [i.instanceId, i])).values()];
}

/** The Fleet port on EC2 and ELBv2, each service in its own region. */
export function createAwsFleet(options: AwsFleetOptions = {}): AwsFleet {
  const pool = options.clients ? undefined : new AwsClientPool(options);
  const clients = (service: ServiceConfig): RegionClients => (options.clients ? options.clients(service.region) : pool!.get(service.region));
  const pageSize = options.pageSize ?? 1000;
  const find = (service: ServiceConfig, filters: Filter[]) => findInstances(clients(service).ec2, filters, pageSize);

  return {
    listImages: (service, limit) => listImages(clients(service).ec2, service, limit),
    findImage: (service, version) => findImage(clients(service).ec2, service, version),
    launch: (request) => launchInstances(clients(request.service).ec2, request),

    async describe(service, instanceIds) {
      if (instanceIds.length === 0) return [];
      const found = await find(service, [{ Name: 'instance-id', Values: instanceIds }]);
      return instanceIds.flatMap((id) => found.filter((i) => i.instanceId === id));
    },

    launchedBy: (service, deployId) => find(service, tagFilters({ [TAG.deployId]: deployId, [TAG.service]: service.name })),

    async serving(service) {
      const [fleet, canaries] = await Promise.all([
        find(service, [LIVE, ...tagFilters(service.fleet.tags)]),
        find(service, [LIVE, ...tagFilters({ [TAG.managedBy]: MANAGED_BY_VALUE, [TAG.service]: service.name, [TAG.role]: 'canary' })]),
      ]);
      return uniqueById([...fleet, ...canaries]);
    },

    missingTargetGroups: (service) => missingTargetGroups(clients(service).elb, service),
    register: (service, instanceIds) => registerTargets(clients(service).elb, service, instanceIds),
    deregister: (service, instanceIds) => deregisterTargets(clients(service).elb, service, instanceIds),
    health: (service, instanceIds) => targetHealth(clients(service).elb, service, instanceIds),
    terminate: (service, instanceIds) => terminateManaged(clients(service).ec2, service, instanceIds, pageSize),
    deregistrationDelays: (service) => deregistrationDelays(clients(service).elb, service),
    adopt: (service, instanceIds, deployId) => adoptManaged(clients(service).ec2, service, instanceIds, deployId, pageSize),
    takeOver: (service, instanceIds) => takeOverFleet(clients(service).ec2, service, instanceIds, pageSize),

    checks: {
      async credentials(service) {
        try {
          const identity = await clients(service).ec2.config.credentials();
          return { accessKeyId: identity.accessKeyId };
        } catch (err) {
          throw new DependencyError('aws', `AWS credentials could not be resolved: ${(err as Error).message}`, undefined, awsErrorCode(err) ?? 'CredentialsProviderError');
        }
      },
      dryRunLaunch: (service, image) => dryRunLaunch(clients(service).ec2, service, image),
      dryRunTerminate: (service, instanceId) => dryRunTerminate(clients(service).ec2, instanceId),
      targetGroupTags: (service) => targetGroupTags(clients(service).elb, service.targetGroups),
    },

    destroy: () => pool?.destroy(),
  };
}
