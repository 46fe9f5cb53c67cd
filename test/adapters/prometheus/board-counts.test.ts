import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPrometheusBoardCounts } from '../../../src/adapters/prometheus/board-counts.js';
import type { ServiceConfig } from '../../../src/config/catalog.js';
import type { BoardCount } from '../../../src/deploy/ports.js';
import type { FakePrometheus } from '../../../src/sandbox/prometheus/fake-prometheus.js';
import { instance, labelOf, scrapedExporters } from './scraped-exporters.js';
import { serviceWith } from '../../support/catalog.js';

const service = serviceWith({});
const withPrometheus = (settings: Partial<ServiceConfig['prometheus']>): ServiceConfig => serviceWith({ prometheus: { ...service.prometheus, ...settings } });

const world = scrapedExporters();
const { serve, scrape } = world;

const adapter = (timeoutMs?: number) => createPrometheusBoardCounts({ baseUrl: world.prometheus.url, timeoutMs });

function unknownReasons(counts: BoardCount[]): Record<string, string> {
  return Object.fromEntries(counts.map((c) => [c.instanceId, c.boards === null ? c.unknown : `boards ${c.boards}`]));
}

describe('Prometheus board counts', () => {
  it('reads the boards of each instance, a real zero included', async () => {
    await serve(labelOf(1), 7);
    await serve(labelOf(2), 0);
    await serve(labelOf(3), 12);
    await scrape();

    const counts = await adapter().read(service, [instance(1), instance(2), instance(3)]);

    expect(counts).toEqual([
      { instanceId: 'i-001', boards: 7 },
      { instanceId: 'i-002', boards: 0 },
      { instanceId: 'i-003', boards: 12 },
    ]);
  });

  it('posts both catalog queries with the instances as an escaped regex alternation', async () => {
    await adapter().read(service, [instance(1), instance(2)]);

    expect(world.prometheus.queries).toEqual(
      expect.arrayContaining([
        { method: 'POST', query: 'up{instance=~"10\\\\.0\\\\.0\\\\.1:9100|10\\\\.0\\\\.0\\\\.2:9100"}' },
        { method: 'POST', query: 'sum by (instance) (rtb_spaces_count{instance=~"10\\\\.0\\\\.0\\\\.1:9100|10\\\\.0\\\\.0\\\\.2:9100"})' },
      ]),
    );
    expect(world.prometheus.queries).toHaveLength(2);
  });

  it('never credits the series of a look-alike address to an instance', async () => {
    await serve('10x0x0x1:9100', 40);
    await scrape();

    const [count] = await adapter().read(service, [instance(1)]);

    expect(count).toEqual({ instanceId: 'i-001', boards: null, unknown: 'no `up` series for 10.0.0.1:9100 (not scraped)' });
  });

  it('keeps quotes, backslashes and regex characters of a label value literal', async () => {
    const odd = { instanceId: 'board "a"\\(1)|*', privateIp: '10.0.0.1' };
    await serve(odd.instanceId, 3);
    await serve('board "a"\\(1)', 50);
    await scrape();

    const counts = await adapter().read(withPrometheus({ instanceValue: '{instanceId}' }), [odd]);

    expect(counts).toEqual([{ instanceId: odd.instanceId, boards: 3 }]);
  });

  it('escapes for single-quoted and raw string literals too', async () => {
    await serve(labelOf(1), 4);
    await serve(labelOf(2), 6);
    await scrape();

    const counts = await adapter().read(
      withPrometheus({ query: "sum by (instance) (rtb_spaces_count{instance=~'{instances}'})", upQuery: 'up{instance=~`{instances}`}' }),
      [instance(1), instance(2)],
    );

    expect(counts).toEqual([
      { instanceId: 'i-001', boards: 4 },
      { instanceId: 'i-002', boards: 6 },
    ]);
  });

  it('reports an instance that is not scraped as unknown while the others read', async () => {
    await serve(labelOf(1), 7);
    await scrape();

    const counts = await adapter().read(service, [instance(1), instance(9)]);

    expect(counts).toEqual([
      { instanceId: 'i-001', boards: 7 },
      { instanceId: 'i-009', boards: null, unknown: 'no `up` series for 10.0.0.9:9100 (not scraped)' },
    ]);
  });

  it('reports a target whose scrape fails (up == 0) as unknown, never zero', async () => {
    await serve(labelOf(1), 7);
    const failing = await serve(labelOf(2), 30);
    failing.failWith(500);
    await scrape();

    const counts = await adapter().read(service, [instance(1), instance(2)]);

    expect(counts).toEqual([
      { instanceId: 'i-001', boards: 7 },
      { instanceId: 'i-002', boards: null, unknown: 'scrape of 10.0.0.2:9100 failing (up == 0)' },
    ]);
  });

  it('forgets the last count of a server that died: its series went stale', async () => {
    await serve(labelOf(1), 7);
    const dying = await serve(labelOf(2), 30);
    await scrape();
    expect(await adapter().read(service, [instance(2)])).toEqual([{ instanceId: 'i-002', boards: 30 }]);

    await dying.close();
    await scrape();

    expect(await adapter().read(service, [instance(1), instance(2)])).toEqual([
      { instanceId: 'i-001', boards: 7 },
      { instanceId: 'i-002', boards: null, unknown: 'scrape of 10.0.0.2:9100 failing (up == 0)' },
    ]);
  });

  it('reports a scraped server without the board count series as unknown', async () => {
    await serve(labelOf(1), null);
    await scrape();

    const [count] = await adapter().read(service, [instance(1)]);

    expect(count).toEqual({ instanceId: 'i-001', boards: null, unknown: 'no board count series for 10.0.0.1:9100' });
  });

  it('needs the up series even when a count is there', async () => {
    await serve(labelOf(1), 7);
    await scrape();

    const [count] = await adapter().read(withPrometheus({ upQuery: 'up{job="node", instance=~"{instances}"}' }), [instance(1)]);

    expect(count).toEqual({ instanceId: 'i-001', boards: null, unknown: 'no `up` series for 10.0.0.1:9100 (not scraped)' });
  });

  it.each([
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-3, '-3'],
  ])('reports a board count of %s as unknown', async (boards, printed) => {
    await serve(labelOf(1), boards);
    await scrape();

    const [count] = await adapter().read(service, [instance(1)]);

    expect(count).toEqual({ instanceId: 'i-001', boards: null, unknown: `board count of 10.0.0.1:9100 is ${printed}, not a count` });
  });

  it('sums several count series of one instance when the query does not aggregate', async () => {
    await serve(labelOf(1), 5, { shard: 'a' });
    await serve(labelOf(1), 8, { shard: 'b' });
    await scrape();

    const [count] = await adapter().read(withPrometheus({ query: 'rtb_spaces_count{instance=~"{instances}"}' }), [instance(1)]);

    expect(count).toEqual({ instanceId: 'i-001', boards: 13 });
  });

  it('reports an instance as unknown when one of its several scrapes fails', async () => {
    await serve(labelOf(1), 5, { shard: 'a' });
    const failing = await serve(labelOf(1), 8, { shard: 'b' });
    failing.failWith(503);
    await scrape();

    const [count] = await adapter().read(withPrometheus({ query: 'rtb_spaces_count{instance=~"{instances}"}' }), [instance(1)]);

    expect(count).toEqual({ instanceId: 'i-001', boards: null, unknown: 'scrape of 10.0.0.1:9100 failing (up == 0)' });
  });

  it('says so when the count query aggregates the instance label away', async () => {
    await serve(labelOf(1), 5);
    await scrape();

    const [count] = await adapter().read(withPrometheus({ query: 'sum by (job) (rtb_spaces_count{instance=~"{instances}"})' }), [instance(1)]);

    expect(count).toMatchObject({ boards: null, unknown: expect.stringContaining('series without the "instance" label') });
  });

  it('reports an instance without a private IP as unknown and leaves it out of the queries', async () => {
    await serve(labelOf(1), 7);
    await scrape();

    const counts = await adapter().read(service, [instance(1), { instanceId: 'i-pending' }]);

    expect(counts).toEqual([
      { instanceId: 'i-001', boards: 7 },
      { instanceId: 'i-pending', boards: null, unknown: 'i-pending has no private IP, which prometheus.instanceValue "{privateIp}:9100" needs' },
    ]);
    expect(world.prometheus.queries.every((q) => q.query.includes('10\\\\.0\\\\.0\\\\.1:9100"'))).toBe(true);
  });

  it('reports instances that share one label value as unknown rather than crediting both', async () => {
    await serve('board', 9);
    await scrape();

    const counts = await adapter().read(withPrometheus({ instanceValue: 'board' }), [instance(1), instance(2)]);

    expect(unknownReasons(counts)).toEqual({
      'i-001': 'board names several instances (i-001, i-002); prometheus.instanceValue must tell them apart',
      'i-002': 'board names several instances (i-001, i-002); prometheus.instanceValue must tell them apart',
    });
    expect(world.prometheus.queries).toEqual([]);
  });

  it('reports a placeholder the catalog does not know as unknown', async () => {
    const [count] = await adapter().read(withPrometheus({ instanceValue: '{hostname}:9100' }), [instance(1)]);

    expect(count).toEqual({ instanceId: 'i-001', boards: null, unknown: 'prometheus.instanceValue "{hostname}:9100" names {hostname}; only {privateIp} and {instanceId} are known' });
  });

  it('refuses {instances} outside a string literal without querying', async () => {
    const [count] = await adapter().read(withPrometheus({ upQuery: 'up{instance=~{instances}}' }), [instance(1)]);

    expect(count).toMatchObject({ boards: null, unknown: expect.stringMatching(/^Prometheus query failed: prometheus.upQuery has \{instances\} outside a quoted label matcher/) });
    expect(world.prometheus.queries).toEqual([]);
  });

  it('asks nothing for no instances', async () => {
    expect(await adapter().read(service, [])).toEqual([]);
    expect(world.prometheus.queries).toEqual([]);
  });
});

describe('Prometheus board counts when the query fails', () => {
  beforeEach(async () => {
    await serve(labelOf(1), 7);
    await serve(labelOf(2), 0);
    await scrape();
  });

  const fault = (name: string, cause: (p: FakePrometheus) => void, reason: RegExp) => ({ name, cause, reason });

  it.each([
    fault('a query timeout (503)', (p) => p.failNext(1), /Prometheus answered HTTP 503, timeout: query timed out in query execution \((up|board count) query\)$/),
    fault('an execution error (422)', (p) => p.failNext(1, { status: 422, errorType: 'execution', error: 'many-to-many matching not allowed' }), /HTTP 422, execution: many-to-many matching not allowed/),
    fault('a bad query (400)', (p) => p.failNext(1, { status: 400, errorType: 'bad_data', error: '1:5: parse error: unexpected "}"' }), /HTTP 400, bad_data: 1:5: parse error/),
    fault('an internal error (500)', (p) => p.failNext(1, { status: 500, errorType: 'internal', error: 'out of memory' }), /HTTP 500, internal: out of memory/),
    fault('JSON cut off mid-way', (p) => p.garbageNext(1), /Prometheus answered HTTP 200 with something that is not JSON: "\{\\"status\\":\\"success\\"/),
    fault('an HTML page from a proxy', (p) => p.garbageNext(1, { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }), /HTTP 502 with something that is not JSON: "<html><body><h1>502 Bad Gateway/),
    fault('an empty body', (p) => p.garbageNext(1, { body: '' }), /not JSON: \(an empty body\)/),
    fault('a range vector instead of an instant vector', (p) => p.garbageNext(1, { body: '{"status":"success","data":{"resultType":"matrix","result":[]}}' }), /expected an instant vector, got a matrix/),
    fault('JSON that is not a Prometheus answer', (p) => p.garbageNext(1, { body: '{"boards":[]}' }), /the answer is not a Prometheus API response/),
    fault('a vector with a malformed sample', (p) => p.garbageNext(1, { body: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,5]}]}}' }), /malformed vector at result\.0\.value\.1/),
    fault('a success body under an error status', (p) => p.garbageNext(1, { status: 500, body: '{"status":"success","data":{"resultType":"vector","result":[]}}' }), /Prometheus answered HTTP 500 \(/),
  ])('reports every instance as unknown on $name', async ({ cause, reason }) => {
    cause(world.prometheus);

    const counts = await adapter().read(service, [instance(1), instance(2)]);

    expect(counts.map((c) => c.boards)).toEqual([null, null]);
    for (const count of counts) expect(count).toMatchObject({ unknown: expect.stringMatching(/^Prometheus query failed: /) });
    for (const count of counts) expect(count).toMatchObject({ unknown: expect.stringMatching(reason) });
  });

  it('reports every instance as unknown when Prometheus does not answer in time', async () => {
    world.prometheus.hangNext(1);

    const counts = await adapter(200).read(service, [instance(1), instance(2)]);

    expect(unknownReasons(counts)).toEqual({
      'i-001': expect.stringMatching(/^Prometheus query failed: Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer within 0\.2s \((up|board count) query\)$/),
      'i-002': expect.stringMatching(/did not answer within 0\.2s/),
    });
  });

  it('reads again once Prometheus recovers', async () => {
    world.prometheus.failNext(2);
    expect((await adapter().read(service, [instance(1)]))[0].boards).toBeNull();

    expect(await adapter().read(service, [instance(1)])).toEqual([{ instanceId: 'i-001', boards: 7 }]);
  });

  it('reports every instance as unknown when Prometheus cannot be reached', async () => {
    const closed = await closedPort();

    const counts = await createPrometheusBoardCounts({ baseUrl: `http://127.0.0.1:${closed}` }).read(service, [instance(1), instance(2)]);

    const reason = `Prometheus query failed: cannot reach Prometheus at http://127.0.0.1:${closed} (ECONNREFUSED)`;
    expect(counts).toEqual([
      { instanceId: 'i-001', boards: null, unknown: expect.stringMatching(new RegExp(`^${escapeRegex(reason)} \\((up|board count) query\\)$`)) },
      { instanceId: 'i-002', boards: null, unknown: expect.stringMatching(new RegExp(`^${escapeRegex(reason)}`)) },
    ]);
  });
});

describe('Prometheus sample values', () => {
  /** A Prometheus that answers the up query and the count query with the given sample values for 10.0.0.1:9100. */
  const answering = (up: string, count: string) =>
    createPrometheusBoardCounts({
      baseUrl: 'http://prometheus.invalid',
      fetch: async (_url, init) => {
        const query = new URLSearchParams(String(init?.body)).get('query') ?? '';
        const value = query.startsWith('up') ? up : count;
        const result = [{ metric: { instance: labelOf(1) }, value: [1795423650.288, value] }];
        return Response.json({ status: 'success', data: { resultType: 'vector', result } });
      },
    });

  it.each([
    ['1', '5', { boards: 5 }],
    ['1', '2.5e1', { boards: 25 }],
    ['1', '', { boards: null, unknown: 'board count of 10.0.0.1:9100 is , not a count' }],
    ['1', '-Inf', { boards: null, unknown: 'board count of 10.0.0.1:9100 is -Inf, not a count' }],
    ['1', 'five', { boards: null, unknown: 'board count of 10.0.0.1:9100 is five, not a count' }],
    ['NaN', '5', { boards: null, unknown: '`up` of 10.0.0.1:9100 is NaN, not 1' }],
    ['', '5', { boards: null, unknown: '`up` of 10.0.0.1:9100 is , not 1' }],
  ])('reads up %j and count %j as %j', async (up, count, expected) => {
    expect(await answering(up, count).read(service, [instance(1)])).toEqual([{ instanceId: 'i-001', ...expected }]);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
