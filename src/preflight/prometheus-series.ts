import type { SeriesIndex } from '../adapters/prometheus/board-count-verdict.js';

/**
 * What Prometheus holds for one server, from the `up` query and the board count query, sorted by
 * what would have to change: the scrape, `prometheus.upQuery`, or `prometheus.query`.
 */
export type SeriesFinding =
  | { kind: 'fine'; boards: number }
  /** Neither query knows the label value: not scraped, or scraped under another label value. */
  | { kind: 'notScraped' }
  /** The count is there but `up` is not: prometheus.upQuery does not select the scrape. */
  | { kind: 'noUp' }
  | { kind: 'down'; up: string }
  | { kind: 'noCount' }
  | { kind: 'badCount'; text: string }
  /** The release adds them up, so it runs; a shard whose series goes stale makes the server look emptier than it is. */
  | { kind: 'severalCounts'; series: number; boards: number };

export function findingOf(value: string, up: SeriesIndex, counts: SeriesIndex): SeriesFinding {
  const upSeries = up.byValue.get(value) ?? [];
  const countSeries = counts.byValue.get(value) ?? [];
  if (upSeries.length === 0) return countSeries.length === 0 ? { kind: 'notScraped' } : { kind: 'noUp' };
  const notUp = upSeries.find((s) => s.value !== 1);
  if (notUp) return { kind: 'down', up: notUp.text };
  if (countSeries.length === 0) return { kind: 'noCount' };
  const bad = countSeries.find((s) => !Number.isFinite(s.value) || s.value < 0);
  if (bad) return { kind: 'badCount', text: bad.text };
  const boards = countSeries.reduce((sum, s) => sum + s.value, 0);
  return countSeries.length > 1 ? { kind: 'severalCounts', series: countSeries.length, boards } : { kind: 'fine', boards };
}
