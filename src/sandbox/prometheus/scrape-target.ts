import { parseExposition, type Labels, type ScrapedSample } from './exposition.js';
import type { Target } from './targets.js';

export type ScrapeResult = { up: true; samples: ScrapedSample[] } | { up: false; error: string };

/** Fetches and parses one target's metrics; the target's labels are attached as Prometheus attaches them. */
export async function scrapeTarget(target: Target, timeoutMs: number, stop: AbortSignal): Promise<ScrapeResult> {
  let text: string;
  try {
    const response = await fetch(target.scrapeUrl, {
      headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' },
      signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
    });
    text = await response.text();
    if (!response.ok) return { up: false, error: `server returned HTTP status ${response.status} ${response.statusText}` };
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return { up: false, error: 'context deadline exceeded' };
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
    return { up: false, error: cause ?? String(error) };
  }
  try {
    return { up: true, samples: parseExposition(text).map((s) => ({ labels: withTargetLabels(s.labels, target.labels), value: s.value })) };
  } catch (error) {
    return { up: false, error: (error as Error).message };
  }
}

/** Without honor_labels, a scraped label that clashes with a target label is kept as `exported_<name>`. */
function withTargetLabels(scraped: Labels, targetLabels: Labels): Labels {
  const labels = { ...scraped };
  for (const [name, value] of Object.entries(targetLabels)) {
    if (name in labels) labels[`exported_${name}`] = labels[name];
    labels[name] = value;
  }
  return labels;
}
