import type { ServiceConfig } from '../config/catalog.js';
import type { Directory } from './ports.js';

export type Permission = 'deploy' | 'approve' | 'release';

const VERB: Record<Permission, string> = { deploy: 'pre-release', approve: 'approve or reject', release: 'release' };

export type AccessAnswer = { allowed: true } | { allowed: false; problem: string; valid: string };

/**
 * Access is granted by the catalog only: an empty list means nobody, because a deploy tool that
 * fails open lets anyone move production.
 */
export function checkAccess(service: ServiceConfig, permission: Permission, userId: string, directory: Directory): Promise<AccessAnswer> {
  return checkAnyAccess(service, [permission], VERB[permission], userId, directory);
}

/** Access through any of several lists; a refusal names every list, so it says who may. */
export async function checkAnyAccess(
  service: ServiceConfig,
  permissions: readonly Permission[],
  verb: string,
  userId: string,
  directory: Directory,
): Promise<AccessAnswer> {
  const principals = [...new Set(permissions.flatMap((p) => service.access[p]))];
  if (principals.includes(userId)) return { allowed: true };
  for (const groupId of principals.filter((p) => p.startsWith('S'))) {
    if ((await directory.membersOf(groupId)).includes(userId)) return { allowed: true };
  }
  const who = principals.length > 0 ? principals.map((p) => (p.startsWith('S') ? `<!subteam^${p}>` : `<@${p}>`)).join(', ') : 'nobody yet';
  const lists = permissions.map((p) => `access.${p}`).join(' or ');
  return {
    allowed: false,
    problem: `You are not allowed to ${verb} ${service.name}.`,
    valid: `Allowed (${lists} of ${service.name} in the service catalog): ${who}.`,
  };
}
