import { DependencyError, type System } from './ports.js';

/**
 * Whether waiting can fix a failed step. A permanent failure (a permission, a missing resource, a
 * refusal by the bot's own rules) stops the deploy and asks in its thread at once; a transient one
 * (throttling, 5xx, timeouts) is retried with backoff, and asked about only once it lasts too long.
 */
export type FailureKind = 'permanent' | 'transient';

export interface Failure {
  kind: FailureKind;
  /** `internal`: the bot itself failed (a bug, a catalog entry that disappeared). */
  system: System | 'internal';
  code: string | null;
  /** The call that failed, when the adapter said (e.g. TerminateInstances). */
  operation: string | null;
  problem: string;
  /** What a person can do about it, when the code says. */
  fix: string | null;
}

const IAM = "The bot's IAM policy does not allow this call: compare it with the README's \"AWS permissions\" policy, or run `npm run preflight -- <service>`.";
const CATALOG = 'A resource the service catalog names does not exist or is wrong: fix the catalog entry, or run `npm run preflight -- <service>` to find which.';

/** AWS codes no retry fixes. Codes ending in `.NotFound`/`.Malformed` are treated the same (see below). */
const AWS_PERMANENT: Record<string, string | null> = {
  UnauthorizedOperation: IAM,
  AccessDenied: IAM,
  AccessDeniedException: IAM,
  AuthFailure: 'AWS does not accept the credentials: check the credential chain the bot runs with (role, profile or keys).',
  InvalidClientTokenId: 'AWS does not know the access key: check the credential chain the bot runs with.',
  SignatureDoesNotMatch: 'AWS rejected the request signature: check the secret key the bot runs with.',
  ExpiredToken: 'The AWS session token expired: give the bot credentials that refresh (an instance or task role).',
  CredentialsProviderError: 'No AWS credentials could be found: give the bot a role, a profile or keys.',
  OptInRequired: 'The account is not subscribed to this service in this region.',
  NotManagedByBot: 'The instance was not launched by the bot: adopt it first (the refusal names the exact command), or leave it alone.',
  NotFleet: "Only servers carrying the service's fleet tags can be taken over: check `fleet.tags` in the catalog.",
  IdempotentParameterMismatch: 'A launch with the same idempotency token but other settings exists: the catalog changed mid-deploy. Roll back, then start again.',
  InvalidParameterValue: CATALOG,
  InvalidParameterCombination: CATALOG,
  InvalidParameter: CATALOG,
  MissingParameter: CATALOG,
  ValidationError: CATALOG,
  TargetGroupNotFound: 'A target group in the catalog does not exist: fix `targetGroups`.',
  TargetGroupNotFoundException: 'A target group in the catalog does not exist: fix `targetGroups`.',
  LoadBalancerNotFound: CATALOG,
  InvalidTarget: 'The load balancer refuses this instance as a target (wrong VPC, or not running).',
  InvalidTargetException: 'The load balancer refuses this instance as a target (wrong VPC, or not running).',
  'InvalidLaunchTemplateName.NotFoundException': 'The launch template in the catalog does not exist: fix `launch.launchTemplate`.',
  'InvalidAMIID.Unavailable': 'The AMI was deregistered or is not available any more: build or tag another one.',
  InsufficientInstanceCapacity: null,
  InstanceLimitExceeded: 'The account reached its instance limit: ask AWS for a higher quota, or release capacity.',
  VcpuLimitExceeded: 'The account reached its vCPU limit: ask AWS for a higher quota, or release capacity.',
  OperationNotPermitted: 'AWS refuses this on the instance (termination protection?): change the instance attribute, or Skip.',
  UnsupportedOperation: null,
  Unsupported: null,
  IncorrectInstanceState: null,
};

/** Shortly after a launch, EC2 may not know the new instance yet: that passes. */
const AWS_TRANSIENT_NOT_FOUND = new Set(['InvalidInstanceID.NotFound']);

/** Slack Web API errors that no retry fixes (https://api.slack.com/methods/chat.postMessage#errors). */
const SLACK_PERMANENT: Record<string, string | null> = {
  not_in_channel: 'Invite the bot to the channel: `/invite @<bot name>` in it.',
  channel_not_found: 'The channel ID in the catalog is wrong, or the channel is private and the bot was never invited: fix `slack.*Channel` or invite the bot.',
  is_archived: 'The channel is archived: unarchive it, or name another channel in the catalog.',
  invalid_auth: 'Slack does not accept SLACK_BOT_TOKEN: install the app again and set the new token.',
  not_authed: 'No Slack token was sent: set SLACK_BOT_TOKEN.',
  account_inactive: 'The bot user or workspace was deactivated: install the app again.',
  token_revoked: 'The Slack token was revoked: install the app again and set the new token.',
  token_expired: 'The Slack token expired: install the app again and set the new token.',
  missing_scope: 'The app lacks a scope it needs: add the scopes of manifest.yml and reinstall the app.',
  no_permission: 'The workspace does not let the app do this: ask a Slack admin.',
  restricted_action: 'A workspace setting forbids this: ask a Slack admin.',
  ekm_access_denied: 'Slack admins suspended posting: ask a Slack admin.',
  invalid_blocks: null,
  msg_too_long: null,
  invalid_arguments: null,
  user_not_found: null,
  no_such_subteam: 'A user group in the catalog does not exist: fix `access`.',
};

/** Codes the bot's own HTTP adapters (Jira, Sentry, the drain hook, git) give. */
const HTTP_PERMANENT: Record<string, string | null> = {
  Unauthorized: 'The credentials are refused: check the token in the environment.',
  Forbidden: "The bot's user lacks a permission: grant it, or run `npm run preflight -- <service>`.",
  NotFound: CATALOG,
  Gone: 'The API the bot calls was removed: upgrade the bot.',
  BadRequest: null,
  Redirected: 'The service answers at another address: fix its URL in the environment.',
  NotConfigured: 'The service catalog lacks the settings this needs.',
  NoAddress: null,
  BadUrl: 'The URL template in the catalog does not make a valid URL.',
  InvalidRevision: null,
  UnknownCommit: null,
};

function classifyCode(system: System, code: string | undefined): { kind: FailureKind; fix: string | null } {
  if (!code) return { kind: 'transient', fix: null };
  const known = (table: Record<string, string | null>) => (code in table ? { kind: 'permanent' as const, fix: table[code] } : null);
  switch (system) {
    case 'aws': {
      if (AWS_TRANSIENT_NOT_FOUND.has(code)) return { kind: 'transient', fix: null };
      const found = known(AWS_PERMANENT);
      if (found) return found;
      if (/\.(NotFound|Malformed|NotFoundException)$/.test(code) || /^Invalid[A-Z]/.test(code)) return { kind: 'permanent', fix: CATALOG };
      return { kind: 'transient', fix: null };
    }
    case 'slack':
      return known(SLACK_PERMANENT) ?? { kind: 'transient', fix: null };
    case 'jira':
    case 'sentry':
    case 'drain':
    case 'git':
      return known(HTTP_PERMANENT) ?? { kind: 'transient', fix: null };
    case 'prometheus':
    case 'store':
      return { kind: 'transient', fix: null };
  }
}

/** The one place that decides whether a failed step is worth retrying. */
export function classifyFailure(error: unknown): Failure {
  const problem = error instanceof Error ? error.message : String(error);
  if (error instanceof DependencyError) {
    const { kind, fix } = classifyCode(error.system, error.code);
    return { kind, system: error.system, code: error.code ?? null, operation: error.operation ?? null, problem, fix };
  }
  // A bug or a broken invariant in the bot: running the same code again gives the same answer.
  return { kind: 'permanent', system: 'internal', code: error instanceof Error ? error.name : null, operation: null, problem, fix: "This is the bot's own failure; its log has the details." };
}
