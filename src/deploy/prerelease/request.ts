import type { ServiceConfig } from '../../config/catalog.js';
import { checkAccess } from '../access.js';
import { TAG, type Directory, type Fleet, type Image } from '../ports.js';
import type { DeployStore, StoredDeploy } from '../store-port.js';
import { initialPrereleaseFacts, type PrereleaseFacts } from './facts.js';

export const VERSION_PATTERN = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

export interface Refusal {
  ok: false;
  problem: string;
  valid: string;
  /** An existing deploy the user should look at instead. */
  existing?: StoredDeploy;
}

export interface PrereleasePlan {
  ok: true;
  service: ServiceConfig;
  version: string;
  image: Image;
  facts: PrereleaseFacts;
}

export interface PrereleaseRequestDeps {
  services: Record<string, ServiceConfig>;
  fleet: Fleet;
  directory: Directory;
  store: DeployStore;
  /** Which integrations have credentials in the environment. */
  configured: { sentry: boolean; jira: boolean };
}

/** The answer to a second request for a pre-release that is running, wherever that one was asked for. */
export function alreadyRunning(running: StoredDeploy): Refusal {
  return {
    ok: false,
    problem: `A pre-release of ${running.service} ${running.version} is already running (state ${running.state}).`,
    valid: 'Follow it in its thread, or reject it there before starting another.',
    existing: running,
  };
}

export function knownServices(services: Record<string, ServiceConfig>): string {
  return Object.keys(services).sort().join(', ');
}

/**
 * Everything that can be wrong with `/prerelease <service> <version>` is found here, before
 * anything is written or launched, and answered with what would be valid instead.
 */
export async function planPrerelease(deps: PrereleaseRequestDeps, serviceName: string, rawVersion: string, actor: string): Promise<PrereleasePlan | Refusal> {
  const service = deps.services[serviceName];
  if (!service) {
    return { ok: false, problem: `There is no service called \`${serviceName}\`.`, valid: `Known services: ${knownServices(deps.services)}.` };
  }
  const match = VERSION_PATTERN.exec(rawVersion);
  if (!match) {
    return {
      ok: false,
      problem: `\`${rawVersion}\` is not a version.`,
      valid: `Give the version the AMI is tagged with, such as \`/prerelease ${serviceName} 1.42.0\` (MAJOR.MINOR.PATCH, optionally -pre).`,
    };
  }
  const version = match[1];
  const access = await checkAccess(service, 'deploy', actor, deps.directory);
  if (!access.allowed) return { ok: false, problem: access.problem, valid: access.valid };
  if (!service.sentry || !deps.configured.sentry) {
    return {
      ok: false,
      problem: `Sentry is not configured for ${serviceName}, so new errors of the canary could not be watched.`,
      valid: `Add \`sentry: { org, project, environment }\` to ${serviceName} in the service catalog and set SENTRY_AUTH_TOKEN.`,
    };
  }
  if (service.jira && !deps.configured.jira) {
    return {
      ok: false,
      problem: `${serviceName} names Jira projects, but the bot has no Jira credentials.`,
      valid: 'Set JIRA_URL with JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center), or remove `jira` from the service.',
    };
  }
  const running = (await deps.store.listDeploys({ service: serviceName, kind: 'prerelease', unfinished: true, version }))[0];
  if (running) return alreadyRunning(running);
  const image = await deps.fleet.findImage(service, version);
  if (!image) {
    const newest = await deps.fleet.listImages(service, 5);
    return {
      ok: false,
      problem: `No AMI of ${serviceName} is tagged \`${service.ami.versionTag}=${version}\`.`,
      valid: newest.length > 0 ? `Newest available versions: ${newest.map((i) => i.version).join(', ')}.` : 'No AMI of this service carries a version tag yet.',
    };
  }
  if (image.state !== 'available') {
    return {
      ok: false,
      problem: `The AMI ${image.imageId} for ${serviceName} ${version} is \`${image.state}\`, not available.`,
      valid: 'Try again when the image build has finished and the AMI is available.',
    };
  }
  const missing = await deps.fleet.missingTargetGroups(service);
  if (missing.length > 0) {
    return {
      ok: false,
      problem: `Target group${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}.`,
      valid: `Fix \`targetGroups\` of ${serviceName} in the service catalog; the canary would not receive users.`,
    };
  }
  const canaryOfVersion = (await deps.fleet.serving(service)).find((i) => i.tags[TAG.role] === 'canary' && i.tags[TAG.version] === version);
  if (canaryOfVersion) {
    const owner = canaryOfVersion.tags[TAG.deployId];
    return {
      ok: false,
      problem: `A canary of ${serviceName} ${version} is already serving (${canaryOfVersion.instanceId}${owner ? `, pre-release ${owner}` : ''}).`,
      valid: '`/release` can adopt it; reject it in its thread first if you want a fresh one.',
      existing: owner ? ((await deps.store.getDeploy(owner)) ?? undefined) : undefined,
    };
  }
  const from = await servingVersion(deps.fleet, service);
  return { ok: true, service, version, image, facts: initialPrereleaseFacts(image, service.prerelease.canaries, from) };
}

/** The version most of the serving fleet (canaries excluded) runs, and its commit. */
async function servingVersion(fleet: Fleet, service: ServiceConfig): Promise<{ version: string | null; commit: string | null }> {
  const fleetInstances = (await fleet.serving(service)).filter((i) => i.tags[TAG.role] !== 'canary');
  const counts = new Map<string, number>();
  for (const i of fleetInstances) counts.set(i.imageId, (counts.get(i.imageId) ?? 0) + 1);
  const imageId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!imageId) return { version: null, commit: null };
  const image = (await fleet.listImages(service, 50)).find((i) => i.imageId === imageId);
  return { version: image?.version ?? null, commit: image?.commit ?? null };
}
