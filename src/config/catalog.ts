import { IANAZone } from 'luxon';
import { z } from 'zod';
import { duration } from './duration.js';

const slackPrincipal = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,}$/, 'expected a Slack user ID (U…/W…) or user group ID (S…)');

const sentryLevel = z.enum(['fatal', 'error', 'warning', 'info', 'debug']);

const tagMap = z.record(z.string().min(1), z.string());

const amiSchema = z
  .object({
    versionTag: z.string().min(1).default('releaseVersion'),
    commitTag: z.string().min(1).default('commit'),
    owners: z.array(z.string().min(1)).min(1).default(['self']),
    filters: tagMap.default({}),
  })
  .strict();

const launchSchema = z
  .object({
    launchTemplate: z
      .object({
        id: z.string().regex(/^lt-[0-9a-z]+$/, 'expected a launch template ID such as lt-0abc123').optional(),
        name: z.string().min(1).optional(),
        version: z.string().min(1).default('$Latest'),
      })
      .strict()
      .refine((t) => Boolean(t.id) !== Boolean(t.name), 'give exactly one of id or name'),
    instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'expected an instance type such as t3.small').optional(),
    subnets: z.array(z.string().regex(/^subnet-[0-9a-z]+$/, 'expected a subnet ID such as subnet-0abc')).default([]),
    tags: tagMap.default({}),
  })
  .strict();

const prereleaseSchema = z
  .object({
    canaries: z.number().int().min(1).max(10).default(1),
    minSoak: duration('4h').default(4 * 3600_000),
    extendBy: duration('1h').default(3600_000),
    // Polling with no pause would hammer Sentry and Prometheus.
    pollInterval: duration('1m', { min: 100 }).default(60_000),
    launchTimeout: duration('10m').default(10 * 60_000),
    healthyTimeout: duration('15m').default(15 * 60_000),
    autoRollback: z
      .object({
        levels: z.array(sentryLevel).default(['fatal']),
        minIssues: z.number().int().min(1).default(1),
        maxNewIssues: z.number().int().min(1).optional(),
      })
      .strict()
      .default({ levels: ['fatal'], minIssues: 1 }),
    autoApprove: z.boolean().default(false),
    fourEyes: z.boolean().default(false),
  })
  .strict();

const prometheusSchema = z
  .object({
    /** Boards per instance; {instances} becomes a regex alternation of the instances' label values. */
    query: z.string().min(1).default('sum by (instance) (rtb_spaces_count{instance=~"{instances}"})'),
    /** Scrape health per instance: a 0 or a missing series means the count is unknown. */
    upQuery: z.string().min(1).default('up{instance=~"{instances}"}'),
    /** The label that names an instance in both queries' results. */
    instanceLabel: z.string().min(1).default('instance'),
    /** How an EC2 instance appears in that label: {privateIp}, {instanceId}. */
    instanceValue: z.string().min(1).default('{privateIp}:9100'),
  })
  .strict();

const drainSchema = z
  .object({
    hook: z
      .object({
        method: z.enum(['POST', 'PUT', 'GET', 'DELETE']).default('POST'),
        url: z.string().regex(/^https?:\/\/.*\{privateIp\}/, 'expected an http(s) URL template containing {privateIp}'),
        /** A header whose value comes from the environment, e.g. { name: Authorization, env: BOARD_DRAIN_TOKEN, prefix: "Bearer " }. */
        authHeader: z.object({ name: z.string().min(1), env: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an environment variable name such as BOARD_DRAIN_TOKEN'), prefix: z.string().default('') }).strict().optional(),
        timeout: duration('10s').default(10_000),
      })
      .strict(),
    /** Boards one server can hold; waves never project more onto a new server. */
    capacity: z.number().int().min(1),
    /** A server at or below this many boards on two consecutive reads is drained. */
    residual: z.number().int().min(0).default(0),
    /** Longest a server may take to drain before the hook is sent once more, then a human is asked. */
    serverTimeout: duration('10m').default(10 * 60_000),
    /** Bounds the reconnect rate: boards moved by one wave. */
    maxBoardsPerWave: z.number().int().min(1).default(500),
    /** Fraction of all boards that may vanish during the drain before the release pauses. */
    totalDropTolerance: z.number().min(0).max(1).default(0.1),
    pollInterval: duration('5s', { min: 100 }).default(5_000),
  })
  .strict();

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-12-24');

const windowsSchema = z
  .object({
    timezone: z.string().min(1).refine((zone) => IANAZone.isValidZone(zone), 'expected an IANA time zone such as Europe/Berlin or UTC').default('UTC'),
    days: z.array(weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    /** Local time range, e.g. "09:00-16:00". */
    hours: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'expected hours such as "09:00-16:00"').default('00:00-24:00'),
    holidays: z.array(isoDate).default([]),
    freezes: z
      .array(
        z
          .object({ from: isoDate, to: isoDate, reason: z.string().min(1) })
          .strict()
          .refine((f) => f.from <= f.to, { message: 'a freeze ends (to) before it starts (from)', path: ['to'] }),
      )
      .default([]),
  })
  .strict();

const releaseSchema = z
  .object({
    /** Default: a version needs an approved pre-release; otherwise a releaser must give a reason. */
    requireApprovedPrerelease: z.boolean().default(true),
    launchTimeout: duration('10m').default(10 * 60_000),
    healthyTimeout: duration('15m').default(15 * 60_000),
    /** The new servers must gain this many boards in total within the timeout, or the release rolls back. */
    gate: z.object({ minBoards: z.number().int().min(0).default(1), timeout: duration('10m').default(10 * 60_000), observe: duration('30s').default(30_000) }).strict().default({ minBoards: 1, timeout: 10 * 60_000, observe: 30_000 }),
    /** Drained old servers stay (deregistered) for a fast rollback this long; 0 terminates at once. */
    keepWarm: duration('30m').default(30 * 60_000),
  })
  .strict();

const accessSchema = z
  .object({
    deploy: z.array(slackPrincipal).default([]),
    approve: z.array(slackPrincipal).default([]),
    release: z.array(slackPrincipal).default([]),
  })
  .strict();

export const serviceSchema = z
  .object({
    description: z.string().optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as eu-west-1'),
    ami: amiSchema.default({ versionTag: 'releaseVersion', commitTag: 'commit', owners: ['self'], filters: {} }),
    launch: launchSchema,
    targetGroups: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/,
            'expected a target group ARN such as arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-http/6d0ecf831eec9f09',
          ),
      )
      .min(1, 'a service needs at least one target group'),
    port: z.number().int().min(1).max(65535).default(8080),
    fleet: z
      .object({ tags: tagMap.refine((t) => Object.keys(t).length > 0, 'name at least one tag') })
      .strict(),
    prerelease: prereleaseSchema.default(prereleaseSchema.parse({})),
    release: releaseSchema.default(releaseSchema.parse({})),
    prometheus: prometheusSchema.default(prometheusSchema.parse({})),
    drain: drainSchema.optional(),
    windows: windowsSchema.optional(),
    sentry: z
      .object({
        org: z.string().min(1),
        project: z.string().min(1),
        environment: z.string().min(1).default('production'),
      })
      .strict()
      .optional(),
    jira: z
      .object({
        projects: z.array(z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'expected a Jira project key such as BOARD')).min(1),
        doneTransition: z.string().min(1).default('Done'),
        fixVersion: z.string().min(1).default('{service}-{version}'),
      })
      .strict()
      .optional(),
    changelog: z
      .object({
        repo: z.string().min(1),
        maxCommits: z.number().int().min(1).max(5000).default(500),
      })
      .strict()
      .optional(),
    slack: z
      .object({
        deployChannel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a channel ID such as C0123ABCD'),
        releaseChannel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a channel ID such as C0123ABCD'),
      })
      .strict(),
    access: accessSchema.default({ deploy: [], approve: [], release: [] }),
  })
  .strict();

export const catalogSchema = z
  .object({
    services: z
      .record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'service names are lower-case letters, digits and dashes'), serviceSchema)
      .refine((s) => Object.keys(s).length > 0, 'declare at least one service'),
  })
  .strict();

export type ServiceConfig = z.output<typeof serviceSchema> & { name: string };
export type Catalog = { services: Record<string, ServiceConfig> };
export type SentryLevel = z.output<typeof sentryLevel>;
