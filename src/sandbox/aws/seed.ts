import type { ServiceConfig } from '../../config/catalog.js';
import { MANAGED_BY_VALUE, TAG } from '../../deploy/ports.js';
import type { CloudState } from './cloud-state.js';
import type { ImageRecord, ImageState, InstanceRecord, LaunchTemplateRecord, Tags, TargetGroupRecord } from './model.js';

const BOT_TAG_PREFIX = 'release-bot:';

export interface SeedServiceOptions {
  /** Oldest first; each becomes an AMI carrying the catalog's version and commit tags. */
  versions: { version: string; commit: string; state?: ImageState }[];
  /** The fleet already serving: running instances of this version, registered and healthy. */
  fleet?: {
    version: string;
    count: number;
    /** Tag it as a fleet an earlier release of the bot launched, so the bot may retire it (default true). */
    launchedByBot?: boolean;
  };
  deregistrationDelaySeconds?: number;
  /**
   * Tags on every target group created (default `release-bot:managed-by=release-bot`, as the README
   * tells operators to tag the groups the bot may route; `{}` leaves them untagged).
   */
  targetGroupTags?: Tags;
  /** Between the images' creation dates; the newest is created now (default one day). */
  imageIntervalMs?: number;
}

export interface SeededService {
  images: ImageRecord[];
  launchTemplate: LaunchTemplateRecord;
  targetGroups: TargetGroupRecord[];
  fleet: InstanceRecord[];
}

/**
 * Builds the account a catalog entry expects: its AMIs, its launch template, its target groups
 * (with the catalog's ARNs, tagged as handed to the bot) and, optionally, a serving fleet carrying
 * its fleet tags.
 */
export function seedService(state: CloudState, service: ServiceConfig, options: SeedServiceOptions): SeededService {
  const interval = options.imageIntervalMs ?? 86_400_000;
  const ownerId = service.ami.owners.find((o) => /^\d{12}$/.test(o)) ?? state.accountId;
  const images = options.versions.map(({ version, commit, state: imageState }, index) =>
    state.ec2.addImage({
      name: `${service.name}-${version}`,
      state: imageState,
      ownerId,
      creationDate: new Date(state.time.now() - (options.versions.length - 1 - index) * interval).toISOString(),
      tags: { ...tagsRequiredByFilters(service), [service.ami.versionTag]: version, [service.ami.commitTag]: commit },
    }),
  );

  const fleetImage = options.fleet && images.find((i) => i.tags[service.ami.versionTag] === options.fleet!.version);
  if (options.fleet && !fleetImage) throw new Error(`seedService: the fleet's version ${options.fleet.version} is not among the seeded versions`);
  const { launchTemplate: templateRef } = service.launch;
  const launchTemplate = state.ec2.addLaunchTemplate({
    name: templateRef.name ?? service.name,
    id: templateRef.id,
    imageId: (fleetImage ?? images.at(-1))?.imageId,
    instanceType: service.launch.instanceType ?? 't3.small',
    subnetId: service.launch.subnets[0],
  });

  const targetGroupTags = options.targetGroupTags ?? { [TAG.managedBy]: MANAGED_BY_VALUE };
  const targetGroups = service.targetGroups.map((arn) =>
    state.elb.addTargetGroup({ arn, name: targetGroupName(arn), port: service.port, deregistrationDelaySeconds: options.deregistrationDelaySeconds, tags: targetGroupTags }),
  );

  const fleet = fleetImage ? launchFleet(state, service, fleetImage, options.fleet!, launchTemplate, targetGroups) : [];
  return { images, launchTemplate, targetGroups, fleet };
}

function launchFleet(
  state: CloudState,
  service: ServiceConfig,
  image: ImageRecord,
  fleet: NonNullable<SeedServiceOptions['fleet']>,
  template: LaunchTemplateRecord,
  targetGroups: TargetGroupRecord[],
): InstanceRecord[] {
  const catalogTags: Tags = { ...service.launch.tags, ...service.fleet.tags };
  const tags: Tags =
    fleet.launchedByBot === false
      ? // Another tool's fleet must not look like the bot's, whatever the catalog's tags say.
        Object.fromEntries(Object.entries(catalogTags).filter(([key]) => !key.startsWith(BOT_TAG_PREFIX)))
      : { ...catalogTags, [TAG.managedBy]: MANAGED_BY_VALUE, [TAG.service]: service.name, [TAG.version]: fleet.version, [TAG.role]: 'fleet', [TAG.deployId]: 'seed' };
  const { instances } = state.ec2.launch(
    { imageId: image.imageId, count: fleet.count, launchTemplate: { id: template.launchTemplateId }, tags },
    { running: true },
  );
  for (const group of targetGroups) {
    state.elb.register(group.targetGroupArn, instances.map((i) => ({ id: i.instanceId, port: service.port })), { healthy: true });
  }
  return instances;
}

/** `ami.filters` such as `tag:os: linux` must match the seeded images too. */
function tagsRequiredByFilters(service: ServiceConfig): Tags {
  return Object.fromEntries(
    Object.entries(service.ami.filters)
      .filter(([name]) => name.startsWith('tag:'))
      .map(([name, value]) => [name.slice('tag:'.length), value]),
  );
}

function targetGroupName(arn: string): string {
  const name = /:targetgroup\/([^/]+)\//.exec(arn)?.[1];
  if (!name) throw new Error(`seedService: cannot read a target group name from ${arn}`);
  return name;
}
