import type { Filter, Tag } from '@aws-sdk/client-ec2';
import type { ServiceConfig } from '../../config/catalog.js';
import { MANAGED_BY_VALUE, TAG, type LaunchRequest } from '../../deploy/ports.js';

export function tagRecord(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
}

export function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function tagFilters(tags: Record<string, string>): Filter[] {
  return Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}

/**
 * Tags for a launch: the catalog's launch tags, the fleet tags for fleet instances only (a
 * canary must not look like part of the fleet), and the bot's own tags last so nothing in the
 * catalog can override them; termination is refused without them.
 */
export function launchTags({ service, image, deployId, role }: LaunchRequest): Record<string, string> {
  return {
    ...service.launch.tags,
    ...(role === 'fleet' ? service.fleet.tags : {}),
    [TAG.managedBy]: MANAGED_BY_VALUE,
    [TAG.service]: service.name,
    [TAG.version]: image.version,
    [TAG.role]: role,
    [TAG.deployId]: deployId,
  };
}

/**
 * Tags that make a canary part of the fleet: the fleet tags so `serving` counts it as fleet, and
 * the adopting deploy's id so that deploy rediscovers it with what it launched. The bot's tags
 * come last, as at launch.
 */
export function adoptionTags(service: ServiceConfig, deployId: string): Record<string, string> {
  return { ...service.fleet.tags, [TAG.role]: 'fleet', [TAG.deployId]: deployId };
}
