export interface GapSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of reconnect gaps in ms; all zero when nobody had to reconnect. */
export function summarizeGaps(gapsMs: readonly number[]): GapSummary {
  if (gapsMs.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = [...gapsMs].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] };
}
