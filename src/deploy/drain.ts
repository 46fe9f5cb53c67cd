import type { BoardCount } from './ports.js';

/** Bookkeeping for one old server during the drain; kept in the release's facts between ticks. */
export interface DrainServer {
  instanceId: string;
  /** serving: not told yet; draining: hook sent; drained: confirmed empty; stuck: a human must decide. */
  phase: 'serving' | 'draining' | 'drained' | 'stuck';
  /** Last read; null when unknown. */
  boards: number | null;
  unknown: string | null;
  /** When the hook was last sent. */
  hookedAt: number | null;
  hookAttempts: number;
  /** Consecutive reads at or below the residual since the hook. */
  lowReads: number;
  /** The wave that drained it (1-based), 0 before. */
  wave: number;
}

export interface DrainPolicy {
  capacity: number;
  residual: number;
  serverTimeoutMs: number;
  maxBoardsPerWave: number;
  totalDropTolerance: number;
}

export interface DrainInput {
  now: number;
  servers: DrainServer[];
  /** Fresh reads for the old and the new servers. */
  reads: BoardCount[];
  newServerIds: string[];
  /** Boards on old and new servers together when the drain began. */
  baselineTotal: number;
  /** The number of the last wave started. */
  wave: number;
  policy: DrainPolicy;
  /** Servers a human allowed to retire without a confirmed drain ("Terminate anyway"). */
  forced: string[];
}

export interface DrainPlan {
  servers: DrainServer[];
  wave: number;
  /** Send the drain hook to these now (a new wave, or a second attempt). */
  hook: string[];
  /** Newly confirmed drained (or forced): safe to retire. */
  drained: string[];
  /** Servers a human must decide on; the release pauses while there are any. */
  ask: { instanceId: string; kind: 'unknown' | 'stuck'; reason: string }[];
  /** Why no wave can start or the release must pause, when so. */
  hold: string | null;
  /** Total boards fell beyond tolerance: pause and say so. */
  drop: string | null;
  done: boolean;
  /** Boards per new server if the current wave lands on them. */
  projectedPerNewServer: number | null;
}

