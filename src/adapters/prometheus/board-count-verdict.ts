import type { Sample } from './query-response.js';

export type Verdict = { boards: number } | { boards: null; unknown: string };

export interface SeriesIndex {
  label: string;
  byValue: Map<string, Sample[]>;
  /** Series without the label: the PromQL aggregated it away, so they belong to no instance. */
  unlabelled: number;
}

export function indexByLabel(samples: Sample[], label: string): SeriesIndex {
  const byValue = new Map<string, Sample[]>();
  let unlabelled = 0;
  for (const sample of samples) {
    const value = sample.metric[label];
    if (value === undefined) {
      unlabelled += 1;
      continue;
    }
    byValue.set(value, [...(byValue.get(value) ?? []), sample]);
  }
  return { label, byValue, unlabelled };
}

/**
 * The board count of one instance, or why it is unknown. Absence is never zero: a target that is
 * not scraped, failing to scrape, or whose series went stale has an unknown count. Several count
 * series for one instance (e.g. one per board shard, when the query does not aggregate) are summed.
 */
export function boardCountOf(value: string, up: SeriesIndex, counts: SeriesIndex): Verdict {
  const upSeries = up.byValue.get(value);
  if (!upSeries) return unknown(`no \`up\` series for ${value} (not scraped)`);
  const notUp = upSeries.find((s) => s.value !== 1);
  if (notUp) return unknown(notUp.value === 0 ? `scrape of ${value} failing (up == 0)` : `\`up\` of ${value} is ${notUp.text}, not 1`);

  const countSeries = counts.byValue.get(value);
  if (!countSeries) {
    const hint = counts.unlabelled > 0 ? `; the board count query returned series without the "${counts.label}" label, so check prometheus.query and prometheus.instanceLabel` : '';
    return unknown(`no board count series for ${value}${hint}`);
  }
  const bad = countSeries.find((s) => !Number.isFinite(s.value) || s.value < 0);
  if (bad) return unknown(`board count of ${value} is ${bad.text}, not a count`);
  return { boards: countSeries.reduce((sum, s) => sum + s.value, 0) };
}

function unknown(reason: string): Verdict {
  return { boards: null, unknown: reason };
}
