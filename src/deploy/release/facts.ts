import type { TargetState, TicketResult } from '../ports.js';
import type { DrainServer } from '../drain.js';

/** Every state a release can be in; all but `done` have a step. */
export const RELEASE_STATES = ['planned', 'launching', 'registering', 'gating', 'closing', 'draining', 'retiring', 'announcing', 'paused', 'rolling_back', 'done'] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/** The running states a release can be paused in and resumed to. */
export const PAUSABLE: ReadonlySet<string> = new Set(['launching', 'registering', 'gating', 'closing', 'draining', 'retiring']);

export interface ReleasePlan {
  fleetSize: number;
  /** Serving instances when the plan was made: fleet and canaries of other versions (they are all old). */
  oldInstances: { instanceId: string; privateIp: string | null; version: string | null; canary: boolean }[];
  /** Canaries of the released version that join the new fleet instead of being replaced. */
  adopt: { instanceId: string; privateIp: string | null }[];
  imageId: string;
  imageName: string;
  commit: string | null;
  fromVersion: string | null;
  fromCommit: string | null;
  /** The approved pre-release of this version, when there is one. */
  prerelease: { deployId: string; approvedBy: string; soakedMs: number; newIssues: number; decidedAt: number } | null;
  /** Why a version without an approved pre-release may go out, from the releaser. */
  overrideReason: string | null;
  /** A release outside the deploy window: who allowed it and why. */
  windowOverride: { by: string; reason: string } | null;
  changelog: { commits: number; issueKeys: string[]; omitted: number };
  /** Servers of a fleet the bot did not launch, taken over with this plan (`--adopt-fleet`): who, why. */
  takeOver?: { by: string; reason: string; instanceIds: string[] } | null;
}

export interface PauseQuestion {
  /** unknown: counts cannot be read; stuck: did not drain in time; drop: total boards fell. */
  kind: 'unknown' | 'stuck' | 'drop' | 'user' | 'dependency';
  reason: string;
  instanceIds: string[];
  at: number;
  by: string;
}

/**
 * One drain between two ticks, the same for both directions: the release drains the old servers
 * onto the new ones (`facts.drain`), its rollback the new servers back onto the old ones
 * (`facts.rollback.drain`). "New" and "old" in the names below are the release's direction.
 */
export interface DrainState {
  /** The servers this drain empties. */
  servers: DrainServer[];
  baselineTotal: number | null;
  /** Last reads of the servers the users move onto. */
  newBoards: Record<string, number | null>;
  wave: number;
  startedAt: number | null;
  /** Boards on the servers to empty when the drain began: the users it moves. */
  oldBoardsAtStart: number | null;
  /** Since when the total of boards has been below the tolerance, without a break. */
  dropSince: number | null;
  /** After "Wait" on an unknown count, the drain asks again only after this. */
  quietUntil: number | null;
  /** Instances a human allowed to be retired although they could not be confirmed drained. */
  forced: { instanceId: string; by: string; reason: string }[];
}

export const freshDrain = (): DrainState => ({ servers: [], baselineTotal: null, newBoards: {}, wave: 0, startedAt: null, oldBoardsAtStart: null, dropSince: null, quietUntil: null, forced: [] });

export interface ReleaseFacts {
  plan: ReleasePlan;
  startedBy: string | null;
  startedAt: number | null;
  /** New instances launched by this release (adopted canaries not included). */
  launchedIds: string[];
  privateIps: Record<string, string>;
  launchedAt: number | null;
  registeredAt: number | null;
  health: Record<string, TargetState>;
  healthReason: string | null;
  gate: { startedAt: number | null; boards: number | null; passedAt: number | null };
  closedAt: number | null;
  /** Deregistration delay shorter than the drain needs: said once in the thread. */
  delayWarning: string | null;
  drain: DrainState;
  /** Paused releases resume into this state. */
  pausedFrom: ReleaseState | null;
  pause: PauseQuestion | null;
  retire: { warmUntil: number | null; terminated: string[] };
  jira: { attempted: boolean; results: TicketResult[]; fixVersion: string | null; problem: string | null };
  rollback: {
    by: string;
    reason: string | null;
    at: number;
    from: ReleaseState;
    /** Old servers registered again (rollback after they were closed). */
    reopenedAt: number | null;
    /** The new servers, drained back onto the old ones. */
    drain: DrainState;
  } | null;
  problem: string | null;
  /** Last time the parent message was worth refreshing with new numbers. */
  progressAt: number | null;
}

export function initialReleaseFacts(plan: ReleasePlan): ReleaseFacts {
  return {
    plan,
    startedBy: null,
    startedAt: null,
    launchedIds: [],
    privateIps: {},
    launchedAt: null,
    registeredAt: null,
    health: {},
    healthReason: null,
    gate: { startedAt: null, boards: null, passedAt: null },
    closedAt: null,
    delayWarning: null,
    drain: freshDrain(),
    pausedFrom: null,
    pause: null,
    retire: { warmUntil: null, terminated: [] },
    jira: { attempted: false, results: [], fixVersion: null, problem: null },
    rollback: null,
    problem: null,
    progressAt: null,
  };
}

/** Instances of the new fleet: launched ones plus adopted canaries. */
export function newFleetIds(facts: ReleaseFacts): string[] {
  return [...facts.plan.adopt.map((a) => a.instanceId), ...facts.launchedIds];
}
