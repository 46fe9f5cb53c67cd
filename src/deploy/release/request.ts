import type { ServiceConfig } from '../../config/catalog.js';
import { checkAccess } from '../access.js';
import { checkWindow } from '../calendar.js';
import { TAG, type Changelog, type Directory, type Fleet, type Image, type Instance } from '../ports.js';
import type { PrereleaseFacts } from '../prerelease/facts.js';
import { knownServices, VERSION_PATTERN, type Refusal } from '../prerelease/request.js';
import type { DeployStore, Lock, StoredDeploy } from '../store-port.js';
import { initialReleaseFacts, type ReleaseFacts, type ReleasePlan } from './facts.js';
import { takeOverRefusal, unmanagedServers } from './take-over.js';

export interface ReleaseRequest {
  service: string;
  version?: string;
  reason?: string;
  overrideWindow: boolean;
  /** Take over the serving servers the bot did not launch (needs a reason). */
  adoptFleet?: boolean;
}

export interface ReleaseRequestDeps {
  services: Record<string, ServiceConfig>;
  fleet: Fleet;
  directory: Directory;
  store: DeployStore;
  changelog: Changelog;
  configured: { prometheus: boolean };
}

export interface ReleaseProposal {
  ok: true;
  service: ServiceConfig;
  version: string;
  image: Image;
  facts: ReleaseFacts;
}

export type ReleaseRefusal = Refusal & { lock?: Lock };

/**
 * A lock whose deploy does not exist yet is a plan being written, by this or another bot process
 * (the lock is taken first, so that two plans cannot both take over a fleet). Older than this, its
 * bot died before writing the plan, and the lock is free again.
 */
export const PLANNING_MS = 2 * 60_000;

/** The newest approved pre-release of a service (of one version, when given). */
export async function approvedPrerelease(store: DeployStore, service: string, version?: string): Promise<StoredDeploy | null> {
  const deploys = await store.listDeploys({ service, kind: 'prerelease', version, limit: 50 });
  return deploys.find((d) => d.outcome === 'approved') ?? null;
}

/**
 * Everything that can make `/release` wrong is found here, before anything is written: access,
 * configuration, the lock, the deploy window, the version and its approval, the AMI and the fleet.
 */
export async function planRelease(deps: ReleaseRequestDeps, request: ReleaseRequest, actor: string, now: number): Promise<ReleaseProposal | ReleaseRefusal> {
  const service = deps.services[request.service];
  if (!service) return { ok: false, problem: `There is no service called \`${request.service}\`.`, valid: `Known services: ${knownServices(deps.services)}.` };
  const access = await checkAccess(service, 'release', actor, deps.directory);
  if (!access.allowed) return { ok: false, problem: access.problem, valid: access.valid };
  if (!service.drain) {
    return { ok: false, problem: `${service.name} has no drain configuration, so live sessions could not be moved.`, valid: `Add \`drain\` (hook, capacity) to ${service.name} in the service catalog.` };
  }
  if (!deps.configured.prometheus) {
    return { ok: false, problem: 'PROMETHEUS_URL is not set, so the bot cannot see boards per server.', valid: 'Set PROMETHEUS_URL to the Prometheus HTTP API the board servers are scraped by.' };
  }
  const lock = await deps.store.getLock(service.name);
  if (lock) {
    const holder = await deps.store.getDeploy(lock.deployId);
    if (holder && holder.finishedAt === null) {
      return {
        ok: false,
        problem: `A release of ${service.name} is already under way: ${lock.reason}, held by <@${lock.holder}> since <!date^${Math.floor(lock.since / 1000)}^{date_short_pretty} {time}|${new Date(lock.since).toISOString()}>.`,
        valid: holder.hold
          ? `One release per service at a time. It is stopped at ${holder.hold.state.replace('_', ' ')}, waiting for an answer in its thread (${holder.hold.problem}): Retry, Skip where offered, or Rollback there.`
          : 'One release per service at a time: follow it in its thread, or cancel it there.',
        existing: holder,
        lock,
      };
    }
    if (!holder && now - lock.since < PLANNING_MS) {
      return { ok: false, problem: `A release of ${service.name} is being planned by <@${lock.holder}> (${lock.reason}).`, valid: 'One release per service at a time: its plan appears in the deploy channel in a moment.', lock };
    }
    await deps.store.releaseLock(service.name, lock.deployId);
  }
  const window = checkWindow(service.windows, now);
  if (!window.open && !request.overrideWindow) {
    const next = window.nextOpenAt ? ` The next window opens <!date^${Math.floor(window.nextOpenAt / 1000)}^{date_short_pretty} {time}|${new Date(window.nextOpenAt).toISOString()}>.` : '';
    return { ok: false, problem: `Outside the deploy window: ${window.reason}.${next}`, valid: 'Someone allowed to release may override with `--override-window --reason <why>`; the override is announced in the thread.' };
  }
  if (!window.open && !request.reason) {
    return { ok: false, problem: 'Overriding the deploy window needs a reason.', valid: `Add \`--reason <why>\`, e.g. \`/release ${service.name} --override-window --reason fix for INC-42\`.` };
  }

  if (request.adoptFleet && !request.reason) {
    return { ok: false, problem: 'Taking over a fleet needs a reason.', valid: `Add \`--reason <why>\`, e.g. \`/release ${service.name} --adopt-fleet --reason first release with the bot\`.` };
  }

  let version = request.version;
  if (version !== undefined) {
    const match = VERSION_PATTERN.exec(version);
    if (!match) return { ok: false, problem: `\`${version}\` is not a version.`, valid: `Use \`/release ${service.name} 1.42.0\`, or leave the version out to release the newest approved pre-release.` };
    version = match[1];
  }
  const approved = await approvedPrerelease(deps.store, service.name, version);
  if (!version) {
    if (!approved) return { ok: false, problem: `${service.name} has no approved pre-release to release.`, valid: `Run \`/prerelease ${service.name} <version>\` and approve it, or name a version with a reason.` };
    version = approved.version;
  }
  if (!approved && service.release.requireApprovedPrerelease && !request.reason) {
    return {
      ok: false,
      problem: `${service.name} ${version} has no approved pre-release.`,
      valid: `Approve a pre-release first, or release anyway with a reason: \`/release ${service.name} ${version} --reason <why>\`.`,
    };
  }
  const image = await deps.fleet.findImage(service, version);
  if (!image) {
    const newest = await deps.fleet.listImages(service, 5);
    return { ok: false, problem: `No AMI of ${service.name} is tagged \`${service.ami.versionTag}=${version}\`.`, valid: `Newest available versions: ${newest.map((i) => i.version).join(', ') || 'none'}.` };
  }
  if (image.state !== 'available') return { ok: false, problem: `The AMI ${image.imageId} for ${version} is \`${image.state}\`.`, valid: 'Try again when it is available.' };
  const missing = await deps.fleet.missingTargetGroups(service);
  if (missing.length > 0) return { ok: false, problem: `Target groups not found: ${missing.join(', ')}.`, valid: `Fix \`targetGroups\` of ${service.name} in the service catalog.` };

  const serving = await deps.fleet.serving(service);
  const isCanary = (i: Instance) => i.tags[TAG.role] === 'canary';
  const fleet = serving.filter((i) => !isCanary(i));
  if (fleet.length === 0) {
    return { ok: false, problem: `No serving fleet of ${service.name} was found (tags ${JSON.stringify(service.fleet.tags)}).`, valid: 'Check `fleet.tags` in the service catalog; a release replaces a running fleet.' };
  }
  const adopt = serving.filter((i) => isCanary(i) && i.tags[TAG.version] === version && i.state === 'running');
  const old = serving.filter((i) => !adopt.includes(i));
  const foreign = unmanagedServers(old, service).map((i) => i.instanceId);
  if (foreign.length > 0 && !request.adoptFleet) return { ok: false, ...takeOverRefusal(service, foreign) };
  const images = await deps.fleet.listImages(service, 50);
  const versionOf = (i: Instance) => i.tags[TAG.version] ?? images.find((img) => img.imageId === i.imageId)?.version ?? null;
  const fromImage = mostCommon(fleet.map((i) => i.imageId));
  const from = images.find((i) => i.imageId === fromImage) ?? null;

  const changelog = await summarizeChangelog(deps.changelog, service, from?.commit, image.commit);
  const prereleaseFacts = approved?.facts as unknown as PrereleaseFacts | undefined;
  const plan: ReleasePlan = {
    fleetSize: fleet.length,
    oldInstances: old.map((i) => ({ instanceId: i.instanceId, privateIp: i.privateIp ?? null, version: versionOf(i), canary: isCanary(i) })),
    adopt: adopt.slice(0, fleet.length).map((i) => ({ instanceId: i.instanceId, privateIp: i.privateIp ?? null })),
    imageId: image.imageId,
    imageName: image.name,
    commit: image.commit ?? null,
    fromVersion: from?.version ?? null,
    fromCommit: from?.commit ?? null,
    prerelease:
      approved && prereleaseFacts?.decision
        ? {
            deployId: approved.id,
            approvedBy: prereleaseFacts.decision.by,
            soakedMs: prereleaseFacts.decision.at - (prereleaseFacts.soakStartedAt ?? prereleaseFacts.decision.at),
            newIssues: prereleaseFacts.seenIssues.length,
            decidedAt: prereleaseFacts.decision.at,
          }
        : null,
    overrideReason: approved ? null : (request.reason ?? null),
    windowOverride: window.open ? null : { by: actor, reason: request.reason as string },
    changelog,
    takeOver: foreign.length > 0 ? { by: actor, reason: request.reason as string, instanceIds: foreign } : null,
  };
  return { ok: true, service, version, image, facts: initialReleaseFacts(plan) };
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

async function summarizeChangelog(changelog: Changelog, service: ServiceConfig, from: string | undefined, to: string | undefined): Promise<ReleasePlan['changelog']> {
  if (!service.changelog || !to) return { commits: 0, issueKeys: [], omitted: 0 };
  try {
    const log = await changelog.between(service, from, to);
    return { commits: log.entries.length + log.omitted, issueKeys: [...new Set(log.entries.flatMap((e) => e.issueKeys))], omitted: log.omitted };
  } catch {
    return { commits: 0, issueKeys: [], omitted: 0 };
  }
}
