import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrometheusBoardCounts } from '../../../src/adapters/prometheus/board-counts.js';
import type { BoardCount } from '../../../src/deploy/ports.js';
import { serviceWith } from '../../support/catalog.js';
import { locatePrometheusBinary, startPrometheus, type RealPrometheus } from '../../support/prometheus-binary.js';
import { startBoardExporter, type BoardExporter } from './board-exporter.js';

const binary = locatePrometheusBinary();

// The shipped catalog's defaults: instanceValue "{privateIp}:9100", so each exporter's target
// carries the instance label its fake private IP maps to while Prometheus scrapes 127.0.0.1.
const service = serviceWith({});
const instance = (n: number) => ({ instanceId: `i-00${n}`, privateIp: `10.0.0.${n}` });
const BOARDS: Record<number, number> = { 1: 7, 2: 0, 3: 12 };
const ODD_LABEL = 'board "a"\\(1)|*';

// Prometheus needs ~5 s to read a new targets file and a scrape interval to notice a change;
// the bound is generous because a loaded CI machine must not turn this into a flaky test.
const SETTLE = { timeout: 40_000, interval: 250 };

describe.skipIf(binary.skip)('Prometheus board counts against the real Prometheus', () => {
  let prometheus: RealPrometheus | undefined;
  const exporters = new Map<number, BoardExporter>();
  let oddExporter: BoardExporter;

  beforeAll(async () => {
    for (const n of [1, 2, 3]) exporters.set(n, await startBoardExporter(BOARDS[n]));
    const failing = await startBoardExporter(30);
    failing.failWith(500);
    exporters.set(4, failing);
    oddExporter = await startBoardExporter(5);
    prometheus = await startPrometheus({ binary: binary.path(), jobName: 'board', scrapeInterval: '1s' });
    await prometheus.writeTargets([
      ...[...exporters].map(([n, exporter]) => ({ targets: [exporter.address], labels: { instance: `10.0.0.${n}:9100` } })),
      { targets: [oddExporter.address], labels: { instance: ODD_LABEL } },
    ]);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all([...exporters.values(), oddExporter].filter(Boolean).map((e) => e.close()));
  });

  const read = (...ns: number[]) => createPrometheusBoardCounts({ baseUrl: prometheus!.url }).read(service, ns.map(instance));

  const settled = async (check: () => Promise<void>) => {
    try {
      await vi.waitFor(check, SETTLE);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nPrometheus log:\n${prometheus!.log()}`);
    }
  };

  it('reads the boards of each instance as set on its gauge', { timeout: 60_000 }, async () => {
    await settled(async () => {
      expect(await read(1, 2, 3)).toEqual([
        { instanceId: 'i-001', boards: 7 },
        { instanceId: 'i-002', boards: 0 },
        { instanceId: 'i-003', boards: 12 },
      ]);
    });
  });

  it('reports an exporter answering 500 as unknown (up == 0), never as zero', { timeout: 60_000 }, async () => {
    await settled(async () => {
      expect(await read(4)).toEqual([{ instanceId: 'i-004', boards: null, unknown: 'scrape of 10.0.0.4:9100 failing (up == 0)' }]);
    });
  });

  it('reports an instance Prometheus does not scrape as unknown', async () => {
    expect(await read(9)).toEqual([{ instanceId: 'i-009', boards: null, unknown: 'no `up` series for 10.0.0.9:9100 (not scraped)' }]);
  });

  it('escapes label values the way Prometheus parses them, in every kind of string literal', { timeout: 60_000 }, async () => {
    const odd = { instanceId: ODD_LABEL, privateIp: '10.0.0.5' };
    const quotedBy = (quote: string) =>
      serviceWith({ prometheus: { instanceLabel: 'instance', instanceValue: '{instanceId}', query: `sum by (instance) (rtb_spaces_count{instance=~${quote}{instances}${quote}})`, upQuery: `up{job="board", instance=~${quote}{instances}${quote}}` } });

    await settled(async () => {
      for (const quote of ['"', "'", '`']) {
        expect(await createPrometheusBoardCounts({ baseUrl: prometheus!.url }).read(quotedBy(quote), [odd])).toEqual([{ instanceId: ODD_LABEL, boards: 5 }]);
      }
    });
  });

  it('reports every instance as unknown when Prometheus refuses the query', async () => {
    const broken = serviceWith({ prometheus: { ...service.prometheus, query: 'sum by (instance) (rtb_spaces_count{instance=~"{instances}"}' } });

    const counts = await createPrometheusBoardCounts({ baseUrl: prometheus!.url }).read(broken, [instance(1), instance(2)]);

    expect(counts.map((c) => c.boards)).toEqual([null, null]);
    for (const count of counts) {
      expect(count).toMatchObject({ unknown: expect.stringMatching(/^Prometheus query failed: Prometheus answered HTTP 400, bad_data: .*parse error.* \(board count query\)$/) });
    }
  });

  it('reports a killed exporter as unknown, never zero, while the others still read', { timeout: 60_000 }, async () => {
    await settled(async () => {
      expect((await read(3))[0]).toEqual({ instanceId: 'i-003', boards: 12 });
    });
    const seen: BoardCount[] = [];

    await exporters.get(3)!.close();

    await settled(async () => {
      const counts = await read(1, 2, 3);
      seen.push(counts[2]);
      expect(counts).toEqual([
        { instanceId: 'i-001', boards: 7 },
        { instanceId: 'i-002', boards: 0 },
        { instanceId: 'i-003', boards: null, unknown: 'scrape of 10.0.0.3:9100 failing (up == 0)' },
      ]);
    });
    // Between the kill and the failed scrape Prometheus still has the last count; never anything else.
    for (const count of seen) expect([12, null]).toContain(count.boards);
  });
});
