import type { ScrapedSample } from './exposition.js';
import { scrapeTarget } from './scrape-target.js';
import { readTargetsFile, targetsOf, type Target, type TargetGroup } from './targets.js';

export interface ScrapeLoopOptions {
  jobName: string;
  intervalMs: number;
  timeoutMs: number;
  targets: TargetGroup[];
  /** A file_sd JSON file, re-read before every round. */
  targetsFile?: string;
  now: () => number;
  warn: (message: string) => void;
}

export interface TargetStatus {
  target: Target;
  health: 'up' | 'down';
  lastError: string;
  lastScrape: number;
  lastScrapeDurationMs: number;
}

/**
 * Scrapes every target each interval and keeps only the latest scrape of each: a series missing
 * from a scrape, every series of a target whose scrape failed, and every series of a removed
 * target are gone at once, as Prometheus's staleness markers make them vanish from instant
 * queries. `up` is 1 or 0 per target, with the target's labels.
 */
export function startScrapeLoop(options: ScrapeLoopOptions) {
  let staticGroups = options.targets;
  let fileGroups: TargetGroup[] = [];
  let latest: { status: TargetStatus; samples: ScrapedSample[] }[] = [];
  const stopping = new AbortController();
  let round = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const readFileGroups = async (path: string): Promise<void> => {
    const read = await readTargetsFile(path);
    if (read.ok) fileGroups = read.groups;
    else options.warn(`${read.problem}; keeping the ${fileGroups.length} target group(s) read before`);
  };

  const scrapeAll = async (): Promise<void> => {
    if (options.targetsFile) await readFileGroups(options.targetsFile);
    const targets = targetsOf([...staticGroups, ...fileGroups], options.jobName);
    latest = await Promise.all(
      targets.map(async (target) => {
        const started = options.now();
        const result = await scrapeTarget(target, options.timeoutMs, stopping.signal);
        const status: TargetStatus = { target, health: result.up ? 'up' : 'down', lastError: result.up ? '' : result.error, lastScrape: started, lastScrapeDurationMs: options.now() - started };
        return { status, samples: result.up ? result.samples : [] };
      }),
    );
  };

  const scrapeNow = (): Promise<void> => {
    round = round.then(scrapeAll);
    return round;
  };

  const schedule = (): void => {
    timer = setTimeout(() => {
      void scrapeNow().then(() => {
        if (!stopping.signal.aborted) schedule();
      });
    }, options.intervalMs);
  };

  void scrapeNow();
  schedule();

  return {
    /** Replaces the targets given in code (those of the targets file stay). Takes effect at the next round. */
    setTargets(groups: TargetGroup[]): void {
      staticGroups = groups;
    },
    /** Runs a round now (after the one under way), for tests that do not want to wait for the interval. */
    scrapeNow,
    statuses: (): TargetStatus[] => latest.map((t) => t.status),
    series: (): ScrapedSample[] =>
      latest.flatMap(({ status, samples }) => [{ labels: { __name__: 'up', ...status.target.labels }, value: status.health === 'up' ? 1 : 0 }, ...samples]),
    async stop(): Promise<void> {
      stopping.abort();
      clearTimeout(timer);
      await round;
    },
  };
}

export type ScrapeLoop = ReturnType<typeof startScrapeLoop>;
