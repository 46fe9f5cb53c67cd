import type { ServiceConfig } from '../config/catalog.js';
import type { SeenIssue } from './prerelease/facts.js';

type SoakPolicy = ServiceConfig['prerelease'];

export interface SoakInput {
  now: number;
  soakStartedAt: number;
  extendedMs: number;
  issues: SeenIssue[];
  /** Last successful Sentry read, or null if none yet. */
  sentryCheckedAt: number | null;
  sentryOk: boolean;
  policy: SoakPolicy;
}

export type SoakVerdict =
  | { kind: 'continue'; minSoakEndsAt: number; minSoakReached: boolean }
  | { kind: 'rollback'; reason: string }
  | { kind: 'approve'; reason: string };

export function minSoakEndsAt(input: Pick<SoakInput, 'soakStartedAt' | 'extendedMs' | 'policy'>): number {
  return input.soakStartedAt + input.policy.minSoak + input.extendedMs;
}

function describe(issues: SeenIssue[]): string {
  const named = issues.slice(0, 3).map((i) => i.shortId).join(', ');
  return issues.length > 3 ? `${named} and ${issues.length - 3} more` : named;
}

/**
 * The soak verdict. Critical new errors roll back at any time, even with Sentry currently
 * unreadable (what was already seen is enough). A clean soak approves itself only when the
 * service allows it and Sentry was read successfully after the minimum soak ended: a soak whose
 * errors could not be seen must never pass silently.
 */
export function soakVerdict(input: SoakInput): SoakVerdict {
  const { autoRollback } = input.policy;
  const critical = input.issues.filter((i) => autoRollback.levels.includes(i.level as (typeof autoRollback.levels)[number]));
  if (critical.length >= autoRollback.minIssues) {
    return {
      kind: 'rollback',
      reason: `${critical.length} new ${autoRollback.levels.join('/')} issue${critical.length > 1 ? 's' : ''} (${describe(critical)})`,
    };
  }
  if (autoRollback.maxNewIssues !== undefined && input.issues.length >= autoRollback.maxNewIssues) {
    return { kind: 'rollback', reason: `${input.issues.length} new issues, the limit is ${autoRollback.maxNewIssues} (${describe(input.issues)})` };
  }
  const endsAt = minSoakEndsAt(input);
  const reached = input.now >= endsAt;
  if (
    reached &&
    input.policy.autoApprove &&
    input.issues.length === 0 &&
    input.sentryOk &&
    input.sentryCheckedAt !== null &&
    input.sentryCheckedAt >= endsAt
  ) {
    return { kind: 'approve', reason: 'clean soak: no new issues during the minimum soak' };
  }
  return { kind: 'continue', minSoakEndsAt: endsAt, minSoakReached: reached };
}
