import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Labels } from './exposition.js';

/** One entry of a Prometheus `file_sd` file: `[{ "targets": ["host:port"], "labels": {…} }]`. */
export interface TargetGroup {
  targets: string[];
  labels?: Labels;
}

export interface Target {
  /** Labels before relabelling, `__address__` and friends included (the targets API shows them). */
  discoveredLabels: Labels;
  /** What every series scraped from the target carries: `job`, `instance` and the group's labels. */
  labels: Labels;
  scrapeUrl: string;
}

const fileSchema = z.array(
  z.object({
    targets: z.array(z.string().min(1)),
    labels: z.record(z.string(), z.string()).optional(),
  }),
);

/**
 * Targets as Prometheus derives them without relabel rules: `job` defaults to the job name,
 * `instance` to the address, and labels starting with `__` stay internal. Targets with the same
 * labels and URL are one target.
 */
export function targetsOf(groups: TargetGroup[], jobName: string): Target[] {
  const unique = new Map<string, Target>();
  for (const group of groups) {
    for (const address of group.targets) {
      const discovered: Labels = { __address__: address, __metrics_path__: '/metrics', __scheme__: 'http', job: jobName, ...group.labels };
      const labels: Labels = { instance: address };
      for (const [name, value] of Object.entries(discovered)) if (!name.startsWith('__') && value !== '') labels[name] = value;
      const scrapeUrl = `${discovered.__scheme__}://${discovered.__address__}${discovered.__metrics_path__}`;
      unique.set(JSON.stringify([scrapeUrl, Object.entries(labels).sort()]), { discoveredLabels: discovered, labels, scrapeUrl });
    }
  }
  return [...unique.values()];
}

export type TargetsFileRead = { ok: true; groups: TargetGroup[] } | { ok: false; problem: string };

/** A file that does not exist yet has no targets; a malformed one is a problem (Prometheus keeps the targets it had). */
export async function readTargetsFile(path: string): Promise<TargetsFileRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, groups: [] };
    return { ok: false, problem: `cannot read ${path}: ${(error as Error).message}` };
  }
  try {
    const parsed = fileSchema.safeParse(JSON.parse(text));
    return parsed.success ? { ok: true, groups: parsed.data } : { ok: false, problem: `${path} is not a file_sd target list` };
  } catch {
    return { ok: false, problem: `${path} is not JSON` };
  }
}
