import { summarizeGaps } from '../src/sandbox/users/gap-summary.js';

export type Strategy = 'guided' | 'terminate-after-healthy' | 'drain-all-at-once';

/** One row of `swaps` in bench/results.json; the README explains each figure. */
export interface SwapFigures {
  strategy: Strategy;
  servers: number;
  sessions: number;
  lostSessions: number;
  lostEdits: number;
  reconnectGapMs: { p50: number; p99: number; max: number };
  swapSeconds: number;
  floorSeconds: number;
  minServingFraction: number;
  peakServingFraction: number;
  peakReconnectsPerSecPerServer: number;
}

/** What one swap run observed, before it is reduced to figures. */
export interface SwapRecord {
  strategy: Strategy;
  servers: number;
  sessions: number;
  lostSessions: number;
  lostEdits: number;
  reconnectGapsMs: number[];
  /** Start (or the baseline's first launch), epoch ms. */
  startedAt: number;
  /** The last old server terminated, epoch ms. */
  endedAt: number;
  /** Healthy registered targets in the load balancer's group, sampled during the swap. */
  healthySamples: number[];
  /** Sessions back in their board after losing it: when, and on which server. */
  rejoins: { at: number; server: string }[];
  /** Launch to healthy of each new instance. */
  launchToHealthyMs: number[];
  /** The gate's minimum observation; 0 for strategies without a gate. */
  gateObserveMs: number;
  /** Drain hook to no sessions left, for each old server that was drained; empty without drains. */
  drainsMs: number[];
}

/** Lowest and highest healthy share of the starting fleet; no samples read as nothing serving. */
export function servingFractions(samples: readonly number[], fleetSize: number): { min: number; peak: number } {
  if (samples.length === 0 || fleetSize <= 0) return { min: 0, peak: 0 };
  return { min: Math.min(...samples) / fleetSize, peak: Math.max(...samples) / fleetSize };
}

/** The busiest second of any one server: rejoins bucketed by whole seconds since `since` and by server. */
export function peakRejoinsPerSecond(rejoins: readonly { at: number; server: string }[], since: number): number {
  const buckets = new Map<string, number>();
  let peak = 0;
  for (const { at, server } of rejoins) {
    if (at < since) continue;
    const key = `${Math.floor((at - since) / 1000)} ${server}`;
    const count = (buckets.get(key) ?? 0) + 1;
    buckets.set(key, count);
    peak = Math.max(peak, count);
  }
  return peak;
}

/**
 * The part of a swap no strategy can avoid, from the same run: the quickest new instance from
 * launch to healthy, the gate's minimum observation, and the quickest drain of one old server.
 */
export function floorMs(record: Pick<SwapRecord, 'launchToHealthyMs' | 'gateObserveMs' | 'drainsMs'>): number {
  const fastest = (values: readonly number[]) => (values.length > 0 ? Math.min(...values) : 0);
  return fastest(record.launchToHealthyMs) + record.gateObserveMs + fastest(record.drainsMs);
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function swapFigures(record: SwapRecord): SwapFigures {
  const gaps = summarizeGaps(record.reconnectGapsMs);
  const serving = servingFractions(record.healthySamples, record.servers);
  return {
    strategy: record.strategy,
    servers: record.servers,
    sessions: record.sessions,
    lostSessions: record.lostSessions,
    lostEdits: record.lostEdits,
    reconnectGapMs: { p50: Math.round(gaps.p50), p99: Math.round(gaps.p99), max: Math.round(gaps.max) },
    swapSeconds: round((record.endedAt - record.startedAt) / 1000, 1),
    floorSeconds: round(floorMs(record) / 1000, 1),
    minServingFraction: round(serving.min, 2),
    peakServingFraction: round(serving.peak, 2),
    peakReconnectsPerSecPerServer: peakRejoinsPerSecond(record.rejoins, record.startedAt),
  };
}
