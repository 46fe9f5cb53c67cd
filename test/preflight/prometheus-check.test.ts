import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { checkPrometheus } from '../../src/preflight/prometheus-check.js';
import { instance, labelOf, scrapedExporters } from '../adapters/prometheus/scraped-exporters.js';
import { serviceWith } from '../support/catalog.js';

const service = serviceWith({});
const withPrometheus = (settings: Partial<ServiceConfig['prometheus']>): ServiceConfig => serviceWith({ prometheus: { ...service.prometheus, ...settings } });
const world = scrapedExporters();
const { serve, scrape } = world;

const check = (s: ServiceConfig, instances: { instanceId: string; privateIp?: string }[] = [instance(1), instance(2), instance(3), instance(4)]) => checkPrometheus(s, instances, { baseUrl: world.prometheus.url, timeoutMs: 2_000 });

describe('Prometheus check', () => {
  it('passes with one series per server and up = 1, and counts the open boards', async () => {
    for (const [n, boards] of [[1, 10], [2, 20], [3, 30], [4, 63]]) await serve(labelOf(n), boards);
    await scrape();

    expect(await check(service)).toEqual([{ area: 'Prometheus', status: 'ok', detail: '4 servers, one series each, up = 1; 123 boards open', fix: null }]);
    // Exactly what a release asks: the catalog's two queries.
    expect(world.prometheus.queries.map((q) => q.query)).toEqual([
      expect.stringMatching(/^up\{instance=~"10\\\\\.0/),
      expect.stringMatching(/^sum by \(instance\) \(rtb_spaces_count/),
    ]);
  });

  it('fails without PROMETHEUS_URL, naming the variable', async () => {
    const [line] = await checkPrometheus(service, [instance(1)], { baseUrl: undefined });
    expect(line.status).toBe('failed');
    expect(line.fix).toContain('set PROMETHEUS_URL');
  });

  it('warns that there is nothing to look up without a fleet instance', async () => {
    const [line] = await check(service, []);
    expect(line.status).toBe('warning');
    expect(line.detail).toContain('no fleet instance');
    expect(world.prometheus.queries).toEqual([]);
  });

  it('fails a board count query that returns no series, naming the instances, the label value and prometheus.query', async () => {
    await serve(labelOf(1), 5);
    await serve(labelOf(2), 6);
    await scrape();

    const lines = await check(withPrometheus({ query: 'sum by (instance) (rtb_rooms_count{instance=~"{instances}"})' }), [instance(1), instance(2)]);

    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('failed');
    expect(lines[0].detail).toContain('no series for 2 of 2 servers');
    expect(lines[0].detail).toContain('i-001 (instance="10.0.0.1:9100")');
    expect(lines[0].fix).toContain('prometheus.query');
    expect(lines[0].fix).toContain('rtb_rooms_count');
  });

  it('fails servers Prometheus knows under another label value, naming prometheus.instanceValue', async () => {
    await serve('board-1', 5);
    await scrape();

    const [line] = await check(service, [instance(1)]);

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('neither `up` nor a board count');
    expect(line.detail).toContain('instance="10.0.0.1:9100"');
    expect(line.fix).toContain('prometheus.instanceValue (now "{privateIp}:9100")');
  });

  it('warns about two series per server: the query must aggregate by the instance label', async () => {
    await serve(labelOf(1), 5, { shard: 'a' });
    await serve(labelOf(1), 7, { shard: 'b' });
    await serve(labelOf(2), 3);
    await scrape();

    const lines = await check(withPrometheus({ query: 'rtb_spaces_count{instance=~"{instances}"}' }), [instance(1), instance(2)]);

    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('warning');
    expect(lines[0].detail).toContain('2 series each for 1 of 2 servers: i-001 (instance="10.0.0.1:9100")');
    expect(lines[0].fix).toContain('aggregate by the instance label');
    expect(lines[0].fix).toContain('sum by (instance)');
  });

  it('fails a query that aggregates the instance label away', async () => {
    await serve(labelOf(1), 5);
    await scrape();

    const [line] = await check(withPrometheus({ query: 'sum by (job) (rtb_spaces_count{instance=~"{instances}"})' }), [instance(1)]);

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('without the "instance" label');
    expect(line.fix).toContain('aggregates the "instance" label away');
  });

  it('fails a server whose scrape fails (up = 0), and still reads the others', async () => {
    await serve(labelOf(1), 5);
    const broken = await serve(labelOf(2), 6);
    broken.failWith(500);
    await scrape();

    const lines = await check(service, [instance(1), instance(2)]);

    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('failed');
    expect(lines[0].detail).toContain('scrape of 1 of 2 servers fails (up = 0): i-002 (instance="10.0.0.2:9100")');
    expect(lines[0].fix).toContain('exporter');
    expect(lines[0].fix).toContain('Targets');
  });

  it('fails an up query that finds no `up` for servers whose counts are there', async () => {
    await serve(labelOf(1), 5);
    await scrape();

    const [line] = await check(withPrometheus({ upQuery: 'up{job="other",instance=~"{instances}"}' }), [instance(1)]);

    expect(line.status).toBe('failed');
    expect(line.fix).toContain('prometheus.upQuery');
  });

  it('fails PromQL that Prometheus refuses, naming the catalog key', async () => {
    const [line] = await check(withPrometheus({ query: 'rate(rtb_spaces_count{instance=~"{instances}"}[5m])' }), [instance(1)]);

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('bad_data');
    expect(line.fix).toContain('correct the PromQL in prometheus.query');
  });

  it('fails once, naming PROMETHEUS_URL, when nothing listens there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const lines = await checkPrometheus(service, [instance(1)], { baseUrl: `http://127.0.0.1:${port}` });

    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('failed');
    expect(lines[0].detail).toContain('ECONNREFUSED');
    expect(lines[0].fix).toContain('PROMETHEUS_URL');
  });

  it('fails two servers that prometheus.instanceValue cannot tell apart', async () => {
    const lines = await check(withPrometheus({ instanceValue: 'board:9100' }), [instance(1), instance(2)]);

    expect(lines[0].status).toBe('failed');
    expect(lines[0].detail).toContain('i-001, i-002 all appear as instance="board:9100"');
    expect(lines[0].fix).toContain('prometheus.instanceValue');
    expect(world.prometheus.queries).toEqual([]);
  });

  it('fails a server without a private IP, which the default instanceValue needs, and checks the rest', async () => {
    await serve(labelOf(1), 5);
    await scrape();

    const lines = await check(service, [instance(1), { instanceId: 'i-009' }]);

    expect(lines.map((l) => l.status)).toEqual(['failed', 'ok']);
    expect(lines[0].detail).toContain('i-009 has no private IP');
    expect(lines[1].detail).toBe('1 server, one series each, up = 1; 5 boards open');
  });
});
