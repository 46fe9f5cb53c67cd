import { afterEach, beforeEach } from 'vitest';
import { startFakePrometheus, type FakePrometheus } from '../../../src/sandbox/prometheus/fake-prometheus.js';
import type { TargetGroup } from '../../../src/sandbox/prometheus/targets.js';
import { startBoardExporter, type BoardExporter } from './board-exporter.js';

/** The fleet's instance n, and the `instance` label Prometheus knows it by with the default catalog. */
export const instance = (n: number) => ({ instanceId: `i-00${n}`, privateIp: `10.0.0.${n}` });
export const labelOf = (n: number) => `10.0.0.${n}:9100`;

/**
 * A Prometheus stand-in and board exporters made afresh for each test of the file that calls this:
 * `serve` adds an exporter under a label, `scrape` makes Prometheus read them all now.
 */
export function scrapedExporters() {
  let prometheus: FakePrometheus;
  let exporters: BoardExporter[] = [];
  let groups: TargetGroup[] = [];

  beforeEach(async () => {
    // Scrapes happen when a test says so, never behind its back.
    prometheus = await startFakePrometheus({ scrapeIntervalMs: 3_600_000 });
    exporters = [];
    groups = [];
  });
  afterEach(async () => {
    await prometheus.close();
    await Promise.all(exporters.map((e) => e.close()));
  });

  return {
    get prometheus() {
      return prometheus;
    },
    /** A board server's exporter that Prometheus scrapes under the given `instance` label (null boards: no series). */
    async serve(instanceLabel: string, boards: number | null, labels: Record<string, string> = {}): Promise<BoardExporter> {
      const exporter = await startBoardExporter(boards);
      exporters.push(exporter);
      groups.push({ targets: [exporter.address], labels: { instance: instanceLabel, ...labels } });
      return exporter;
    },
    async scrape(): Promise<void> {
      prometheus.setTargets(groups);
      await prometheus.scrapeNow();
    },
  };
}
