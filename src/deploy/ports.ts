import type { ServiceConfig } from '../config/catalog.js';

/**
 * What the domain needs from the outside world. Adapters in src/adapters implement these; tests
 * use fakes. Every method either returns a fact or throws a DependencyError naming the system.
 */

export type System = 'aws' | 'sentry' | 'prometheus' | 'jira' | 'slack' | 'git' | 'store' | 'drain';

export class DependencyError extends Error {
  constructor(
    readonly system: System,
    message: string,
    /** When the dependency asked us to come back (rate limits), epoch ms. */
    readonly retryAt?: number,
    /** A machine-readable code from the dependency (e.g. InsufficientInstanceCapacity). */
    readonly code?: string,
    /** The call that failed (e.g. TerminateInstances), when the step makes more than one kind. */
    readonly operation?: string,
  ) {
    super(message);
    this.name = 'DependencyError';
  }
}

export interface Image {
  imageId: string;
  name: string;
  version: string;
  state: string;
  createdAt: string;
  commit?: string;
}

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface Instance {
  instanceId: string;
  imageId: string;
  state: InstanceState;
  privateIp?: string;
  launchedAt?: string;
  tags: Record<string, string>;
}

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unhealthy.draining' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealth {
  targetGroupArn: string;
  instanceId: string;
  state: TargetState;
  reason?: string;
  description?: string;
}

export type InstanceRole = 'canary' | 'fleet';

export interface LaunchRequest {
  service: ServiceConfig;
  image: Image;
  count: number;
  deployId: string;
  /** Distinguishes launches within one deploy; with deployId it makes the idempotency token. */
  step: string;
  role: InstanceRole;
}

/** Tags every instance the bot launches carries; termination is refused without them. */
export const TAG = {
  managedBy: 'release-bot:managed-by',
  service: 'release-bot:service',
  version: 'release-bot:version',
  role: 'release-bot:role',
  deployId: 'release-bot:deploy-id',
} as const;
export const MANAGED_BY_VALUE = 'release-bot';

/**
 * What taking over a server the bot did not launch writes: management, no deploy id (so no deploy
 * mistakes it for one it launched) and no version (the serving AMI says that).
 */
export function takeOverTags(serviceName: string): Record<string, string> {
  return { [TAG.managedBy]: MANAGED_BY_VALUE, [TAG.service]: serviceName, [TAG.role]: 'fleet' };
}

/** Launched by the bot for this service, or taken over by a releaser: the only instances it may retire or retag. */
export function isManaged(instance: Pick<Instance, 'tags'>, serviceName: string): boolean {
  return instance.tags[TAG.managedBy] === MANAGED_BY_VALUE && instance.tags[TAG.service] === serviceName;
}

export interface Fleet {
  /** Images carrying the service's version tag, newest first. */
  listImages(service: ServiceConfig, limit: number): Promise<Image[]>;
  /** The newest image tagged with exactly this version, or null. */
  findImage(service: ServiceConfig, version: string): Promise<Image | null>;
  /** Idempotent: the same deployId and step never launch twice. */
  launch(request: LaunchRequest): Promise<Instance[]>;
  describe(service: ServiceConfig, instanceIds: string[]): Promise<Instance[]>;
  /** Rediscovers what a deploy launched from the tags, not from memory. */
  launchedBy(service: ServiceConfig, deployId: string): Promise<Instance[]>;
  /** Pending or running instances matching the service's fleet tags, and the bot's canaries. */
  serving(service: ServiceConfig): Promise<Instance[]>;
  /** ARNs of the service's target groups that do not exist. */
  missingTargetGroups(service: ServiceConfig): Promise<string[]>;
  register(service: ServiceConfig, instanceIds: string[]): Promise<void>;
  deregister(service: ServiceConfig, instanceIds: string[]): Promise<void>;
  /** One entry per (target group, instance). */
  health(service: ServiceConfig, instanceIds: string[]): Promise<TargetHealth[]>;
  /** Refuses (DependencyError code NotManagedByBot) any instance without the bot's tags. */
  terminate(service: ServiceConfig, instanceIds: string[]): Promise<void>;
  /** `deregistration_delay.timeout_seconds` of each target group, in ms. */
  deregistrationDelays(service: ServiceConfig): Promise<Record<string, number>>;
  /**
   * Makes canaries part of the fleet (role fleet, the service's fleet tags, the adopting deploy).
   * Refuses, like terminate, instances the bot did not launch.
   */
  adopt(service: ServiceConfig, instanceIds: string[], deployId: string): Promise<void>;
  /**
   * Takes servers of a fleet the bot did not launch under its management (the bot's management
   * tags, role fleet, no deploy id). Refuses, changing nothing, any instance that does not carry
   * all of the service's fleet tags or is not pending or running.
   */
  takeOver(service: ServiceConfig, instanceIds: string[]): Promise<void>;
}

export type BoardCount =
  | { instanceId: string; boards: number }
  /** Never zero: a failed query, a missing series or `up == 0`. */
  | { instanceId: string; boards: null; unknown: string };

/** Open boards per server, read from Prometheus. */
export interface BoardCounts {
  /** One entry per instance asked; never throws for a failed read, which is UNKNOWN instead. */
  read(service: ServiceConfig, instances: Pick<Instance, 'instanceId' | 'privateIp'>[]): Promise<BoardCount[]>;
}

/** The application's drain hook: tells one server to send its clients elsewhere. */
export interface DrainHook {
  /** Throws DependencyError('drain') on a timeout or a non-2xx answer. */
  drain(service: ServiceConfig, instance: Pick<Instance, 'instanceId' | 'privateIp'>): Promise<void>;
}

export interface TicketResult {
  key: string;
  /** What was done, or why not. */
  transitioned: boolean;
  commented: boolean;
  problem: string | null;
}

/** The release whose issues are closed: Jira keeps its ID in the comment, so a repeated close recognises its own work. */
export interface TicketRelease {
  id: string;
  version: string;
}

/** Jira after a successful release. */
export interface Tickets {
  /**
   * For each key: a comment naming the release and the service's done transition (looked up by
   * name per issue). Repeating it for the same release comments nowhere twice, and an issue done
   * that carries this release's comment counts as closed by it.
   */
  close(service: ServiceConfig, keys: string[], release: TicketRelease): Promise<TicketResult[]>;
  /** Marks the fix version released (created if missing); returns its name. */
  releaseVersion(service: ServiceConfig, version: string, at: number): Promise<string>;
}

export type IssueLevel = 'fatal' | 'error' | 'warning' | 'info' | 'debug' | 'sample';

export interface NewIssue {
  id: string;
  shortId: string;
  title: string;
  culprit?: string;
  level: IssueLevel;
  count: number;
  userCount: number;
  firstSeen: string;
  permalink: string;
}

export interface NewErrors {
  /** Unresolved issues first seen in this release, in the service's environment. */
  newIssues(service: ServiceConfig, version: string): Promise<NewIssue[]>;
}

export interface ChangelogEntry {
  sha: string;
  subject: string;
  author: string;
  date: string;
  /** Jira keys found in the message, e.g. BOARD-12. */
  issueKeys: string[];
}

export interface Changelog {
  /** Commits reachable from `to` and not from `from`, newest first. `from` absent: just `to`'s history (bounded). */
  between(service: ServiceConfig, from: string | undefined, to: string): Promise<{ entries: ChangelogEntry[]; omitted: number }>;
}

/** Resolves Slack user groups so that access rules can name groups. */
export interface Directory {
  membersOf(groupId: string): Promise<string[]>;
}

export interface Clock {
  now(): number;
}
