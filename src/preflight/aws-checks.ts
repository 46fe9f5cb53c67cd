import type { AwsChecks } from '../adapters/aws/fleet.js';
import type { ServiceConfig } from '../config/catalog.js';
import { formatDuration } from '../config/duration.js';
import { classifyFailure } from '../deploy/failure.js';
import { isManaged, MANAGED_BY_VALUE, TAG, type Fleet, type Image, type Instance } from '../deploy/ports.js';
import { takeOverCommand } from '../deploy/release/take-over.js';
import { failed, ok, warning, type CheckArea, type CheckLine } from './report.js';

export interface AwsCheckDeps {
  fleet: Fleet;
  checks: AwsChecks;
  /** Where the SDK found its credentials is read off the environment, as the SDK's chain does. */
  env: Record<string, string | undefined>;
}

export interface AwsFindings {
  lines: CheckLine[];
  /** The serving fleet (canaries left out), for the checks that talk to its servers. */
  fleet: Instance[];
  /** The newest AMI of the service, for the checks that need a version. */
  newest: Image | null;
}

const POLICY = 'the README\'s "AWS permissions" policy';

/** A failed AWS call as a check line: what AWS said, and the fix the classification knows. */
function refused(area: CheckArea, what: string, error: unknown, fix?: string): CheckLine {
  const failure = classifyFailure(error);
  return failed(area, `${what}: ${failure.problem}`, fix ?? failure.fix ?? 'See what AWS said; nothing was changed.');
}

function credentialSource(env: Record<string, string | undefined>): string {
  if (env.AWS_ACCESS_KEY_ID) return 'environment variables';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'a web identity token (e.g. EKS IRSA)';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return 'container credentials (e.g. an ECS task role)';
  if (env.AWS_PROFILE) return `profile ${env.AWS_PROFILE}`;
  return 'the default chain (shared config files or the instance role)';
}

/** Enough of the key ID to tell two apart in a log, not enough to be the key ID. */
function masked(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…';
}

async function credentials(deps: AwsCheckDeps, service: ServiceConfig): Promise<CheckLine> {
  try {
    const { accessKeyId } = await deps.checks.credentials(service);
    const endpoint = deps.env.AWS_ENDPOINT_URL_EC2 ? `; EC2 endpoint overridden to ${deps.env.AWS_ENDPOINT_URL_EC2}` : '';
    return ok('Credentials', `from ${credentialSource(deps.env)} (key ${masked(accessKeyId)}), region ${service.region}${endpoint}`);
  } catch (error) {
    return refused('Credentials', 'no AWS credentials', error, 'Give the bot a role (instance profile, ECS task role, EKS IRSA) or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.');
  }
}

function fleetLine(service: ServiceConfig, fleet: Instance[]): CheckLine {
  const tags = Object.entries(service.fleet.tags).map(([k, v]) => `${k}=${v}`).join(', ');
  if (fleet.length === 0) return failed('Fleet', `no pending or running instance carries the fleet tags ${tags}`, 'Check `fleet.tags` in the service catalog: a release replaces the fleet that serves now.');
  const foreign = fleet.filter((i) => !isManaged(i, service.name)).map((i) => i.instanceId);
  if (foreign.length === 0) return ok('Fleet', `${fleet.length} server${fleet.length === 1 ? '' : 's'} (${tags}), all under the bot's care`);
  return failed(
    'Fleet',
    `${foreign.length} of ${fleet.length} servers were not launched by the bot, so a release could not retire them: ${foreign.join(', ')}`,
    `Take them over once: ${takeOverCommand(service, foreign)} — or, as a releaser, /release ${service.name} --adopt-fleet --reason <why>.`,
  );
}

async function launching(deps: AwsCheckDeps, service: ServiceConfig, newest: Image | null): Promise<CheckLine> {
  if (!newest) {
    return failed('Launching', `no AMI carries the tag ${service.ami.versionTag}`, 'Check `ami.versionTag`, `ami.owners` and `ami.filters` in the service catalog, and that the build tags its AMIs.');
  }
  const what = `a fleet launch from ${newest.imageId} (${newest.version}, the newest AMI) with launch template ${service.launch.launchTemplate.name ?? service.launch.launchTemplate.id}`;
  try {
    await deps.checks.dryRunLaunch(service, newest);
    return ok('Launching', `${what} would go through (DryRun)`);
  } catch (error) {
    const denied = classifyFailure(error).code === 'UnauthorizedOperation';
    return refused('Launching', `${what} would fail`, error, denied ? `Allow it as the statements LaunchOnlyTaggedInstances and LaunchFromTemplatesImagesAndNetwork of ${POLICY} do.` : undefined);
  }
}

async function retiring(deps: AwsCheckDeps, service: ServiceConfig, fleet: Instance[]): Promise<CheckLine> {
  const managed = fleet.find((i) => isManaged(i, service.name));
  if (!managed) return warning('Retiring', 'no server of the fleet is under the bot\'s care yet, so terminating could not be tried', 'Take the fleet over first (see Fleet), then check again.');
  try {
    await deps.checks.dryRunTerminate(service, managed.instanceId);
    return ok('Retiring', `terminating ${managed.instanceId} would go through (DryRun)`);
  } catch (error) {
    const denied = classifyFailure(error).code === 'UnauthorizedOperation';
    return refused('Retiring', `terminating ${managed.instanceId} would fail`, error, denied ? `Allow it as the statement TerminateOnlyWhatTheBotLaunched of ${POLICY} does.` : undefined);
  }
}

/** One line per target group: it exists, carries the bot's tag, and keeps sessions as long as a drain takes. */
async function targetGroups(deps: AwsCheckDeps, service: ServiceConfig): Promise<CheckLine[]> {
  let missing: string[];
  let tags: Record<string, Record<string, string>>;
  let delays: Record<string, number>;
  try {
    missing = await deps.fleet.missingTargetGroups(service);
    const present = { ...service, targetGroups: service.targetGroups.filter((arn) => !missing.includes(arn)) };
    [tags, delays] = present.targetGroups.length > 0 ? await Promise.all([deps.checks.targetGroupTags(present), deps.fleet.deregistrationDelays(present)]) : [{}, {}];
  } catch (error) {
    const denied = classifyFailure(error).code === 'AccessDenied';
    return [refused('Target groups', 'the target groups could not be read', error, denied ? `Allow the Describe calls of the statement Read in ${POLICY}.` : undefined)];
  }
  const drainTimeout = service.drain?.serverTimeout ?? null;
  return service.targetGroups.map((arn) => {
    // "board-http" out of "arn:…:targetgroup/board-http/6d0e…", as people name them.
    const name = arn.split('/')[1] ?? arn;
    if (missing.includes(arn)) return failed('Target groups', `${name} does not exist in ${service.region}`, 'Fix `targetGroups` in the service catalog.');
    if (tags[arn]?.[TAG.managedBy] !== MANAGED_BY_VALUE) {
      return failed(
        'Target groups',
        `${name} is not tagged ${TAG.managedBy}=${MANAGED_BY_VALUE}, so the bot may not register or deregister servers in it`,
        `aws elbv2 add-tags --region ${service.region} --resource-arns ${arn} --tags Key=${TAG.managedBy},Value=${MANAGED_BY_VALUE}`,
      );
    }
    const delay = delays[arn];
    if (drainTimeout !== null && delay !== undefined && delay < drainTimeout) {
      return warning(
        'Target groups',
        `${name}: deregistration delay ${formatDuration(delay)} is shorter than drain.serverTimeout (${formatDuration(drainTimeout)}): the load balancer may cut sessions a slow server has not moved yet`,
        `aws elbv2 modify-target-group-attributes --region ${service.region} --target-group-arn ${arn} --attributes Key=deregistration_delay.timeout_seconds,Value=${Math.ceil(drainTimeout / 1000)}`,
      );
    }
    return ok('Target groups', `${name}: exists, tagged for the bot${delay === undefined ? '' : `, deregistration delay ${formatDuration(delay)}`}`);
  });
}

/**
 * Everything a release asks of AWS, without changing anything: credentials, the fleet, a dry-run
 * launch and terminate (full depth only), and the target groups. Without credentials nothing else
 * can answer, so only that line is given.
 */
export async function checkAws(deps: AwsCheckDeps, service: ServiceConfig, depth: 'full' | 'cheap'): Promise<AwsFindings> {
  const creds = await credentials(deps, service);
  if (creds.status === 'failed') return { lines: [creds], fleet: [], newest: null };
  const lines = [creds];
  let fleet: Instance[] = [];
  try {
    fleet = (await deps.fleet.serving(service)).filter((i) => i.tags[TAG.role] !== 'canary');
    lines.push(fleetLine(service, fleet));
  } catch (error) {
    lines.push(refused('Fleet', 'the serving fleet could not be listed', error));
  }
  let newest: Image | null = null;
  let launchLine: CheckLine | null = null;
  try {
    [newest = null] = await deps.fleet.listImages(service, 1);
  } catch (error) {
    launchLine = refused('Launching', 'the service\'s AMIs could not be listed', error);
  }
  if (depth === 'full') lines.push(launchLine ?? (await launching(deps, service, newest)), await retiring(deps, service, fleet));
  else if (launchLine) lines.push(launchLine);
  lines.push(...(await targetGroups(deps, service)));
  return { lines, fleet, newest };
}
