import type { IssueLevel, TargetState } from '../ports.js';

/** Every state a pre-release can be in; all but `done` have a step. */
export const PRERELEASE_STATES = ['requested', 'launching', 'registering', 'in_service', 'soaking', 'approved', 'rolling_back', 'done'] as const;
export type PrereleaseState = (typeof PRERELEASE_STATES)[number];

export interface SeenIssue {
  id: string;
  shortId: string;
  title: string;
  level: IssueLevel;
  count: number;
  userCount: number;
  permalink: string;
  firstSeen: string;
}

export interface Decision {
  kind: 'approved' | 'rejected' | 'auto_approved' | 'auto_rollback' | 'failed';
  by: string;
  reason: string | null;
  at: number;
}

/** Everything a pre-release has learned; written after every step. */
export interface PrereleaseFacts {
  imageId: string;
  imageName: string;
  commit: string | null;
  /** The version and commit serving when the canary was requested (for the changelog). */
  fromVersion: string | null;
  fromCommit: string | null;
  canaries: number;
  instanceIds: string[];
  privateIps: Record<string, string>;
  launchedAt: number | null;
  inServiceAt: number | null;
  /** Soak time counts from here. */
  soakStartedAt: number | null;
  /** Added by "Extend soak". */
  extendedMs: number;
  health: Record<string, TargetState>;
  healthReason: string | null;
  seenIssues: SeenIssue[];
  sentry: { ok: boolean; checkedAt: number | null; problem: string | null; since: number | null };
  /** Next Sentry read; later than the poll interval when Sentry asked us to back off. */
  sentryNextPollAt: number | null;
  /** When the canaries were deregistered on the way out. */
  removingSince: number | null;
  changelogPosted: boolean;
  decision: Decision | null;
  /** Last problem worth showing on the parent message. */
  problem: string | null;
}

export function initialPrereleaseFacts(image: { imageId: string; name: string; commit?: string }, canaries: number, from: { version: string | null; commit: string | null }): PrereleaseFacts {
  return {
    imageId: image.imageId,
    imageName: image.name,
    commit: image.commit ?? null,
    fromVersion: from.version,
    fromCommit: from.commit,
    canaries,
    instanceIds: [],
    privateIps: {},
    launchedAt: null,
    inServiceAt: null,
    soakStartedAt: null,
    extendedMs: 0,
    health: {},
    healthReason: null,
    seenIssues: [],
    sentry: { ok: true, checkedAt: null, problem: null, since: null },
    sentryNextPollAt: null,
    removingSince: null,
    changelogPosted: false,
    decision: null,
    problem: null,
  };
}
