import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakePrometheus, type FakePrometheus, type FakePrometheusOptions } from '../../../src/sandbox/prometheus/fake-prometheus.js';
import type { TargetGroup } from '../../../src/sandbox/prometheus/targets.js';
import { startBoardExporter, type BoardExporter } from './board-exporter.js';

let prometheus: FakePrometheus | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await prometheus?.close();
  prometheus = undefined;
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(options: FakePrometheusOptions = {}): Promise<FakePrometheus> {
  prometheus = await startFakePrometheus({ scrapeIntervalMs: 3_600_000, ...options });
  return prometheus;
}

async function exporter(boards: number | null): Promise<BoardExporter> {
  const started = await startBoardExporter(boards);
  closers.push(() => started.close());
  return started;
}

/** A /metrics endpoint answering exactly this text. */
async function exposing(text: string): Promise<string> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface QueryAnswer {
  status: number;
  standIn: string | null;
  body: { status: string; errorType?: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
}

async function query(promql: string, method: 'GET' | 'POST' = 'POST'): Promise<QueryAnswer> {
  const url = `${prometheus!.url}/api/v1/query`;
  const response =
    method === 'POST'
      ? await fetch(url, { method: 'POST', body: new URLSearchParams({ query: promql }) })
      : await fetch(`${url}?${new URLSearchParams({ query: promql })}`);
  return { status: response.status, standIn: response.headers.get('x-prometheus-stand-in'), body: (await response.json()) as QueryAnswer['body'] };
}

async function series(promql: string): Promise<{ metric: Record<string, string>; value: string }[]> {
  const answer = await query(promql);
  expect(answer.body.status).toBe('success');
  return answer.body.data!.result.map((r) => ({ metric: r.metric, value: r.value[1] })).sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
}

describe('Prometheus stand-in: scraping', () => {
  it('scrapes each target and attaches its job and instance labels', async () => {
    const board = await exporter(12);
    await start({ targets: [{ targets: [board.address] }] });
    await prometheus!.scrapeNow();

    expect(await series('rtb_spaces_count{job="board"}')).toEqual([{ metric: { __name__: 'rtb_spaces_count', instance: board.address, job: 'board' }, value: '12' }]);
    expect(await series('up')).toEqual([{ metric: { __name__: 'up', instance: board.address, job: 'board' }, value: '1' }]);
  });

  it('keeps the group labels of a target, its own instance label included', async () => {
    const board = await exporter(3);
    await start({ jobName: 'boards', targets: [{ targets: [board.address], labels: { instance: '10.0.0.1:9100', zone: 'a' } }] });
    await prometheus!.scrapeNow();

    expect(await series('rtb_spaces_count')).toEqual([{ metric: { __name__: 'rtb_spaces_count', instance: '10.0.0.1:9100', job: 'boards', zone: 'a' }, value: '3' }]);
  });

  it('renames a scraped label that clashes with a target label to exported_<name>', async () => {
    const address = await exposing('rtb_spaces_count{instance="inside",shard="x"} 4\n');
    await start({ targets: [{ targets: [address], labels: { instance: 'outside' } }] });
    await prometheus!.scrapeNow();

    expect(await series('rtb_spaces_count')).toEqual([{ metric: { __name__: 'rtb_spaces_count', instance: 'outside', exported_instance: 'inside', job: 'board', shard: 'x' }, value: '4' }]);
  });

  it('reads the text format: comments, escaped label values, special floats and timestamps', async () => {
    const address = await exposing(
      [
        '# HELP rtb_spaces_count Boards open',
        '# TYPE rtb_spaces_count gauge',
        'rtb_spaces_count{path="C:\\\\boards",title="say \\"hi\\"\\nthere",} 5 1700000000000',
        'odd_value{kind="nan"} NaN',
        'odd_value{kind="inf"} +Inf',
        'odd_value{kind="minus"} -2.5e-1',
        '',
      ].join('\n'),
    );
    await start({ targets: [{ targets: [address] }] });
    await prometheus!.scrapeNow();

    expect(await series('rtb_spaces_count')).toEqual([{ metric: expect.objectContaining({ path: 'C:\\boards', title: 'say "hi"\nthere' }), value: '5' }]);
    expect((await series('odd_value')).map((s) => [s.metric.kind, s.value])).toEqual([
      ['inf', '+Inf'],
      ['minus', '-0.25'],
      ['nan', 'NaN'],
    ]);
  });

  it('counts a target with malformed metrics as down, as Prometheus fails the whole scrape', async () => {
    const address = await exposing('rtb_spaces_count 5\nrtb_spaces_count{broken 3\n');
    await start({ targets: [{ targets: [address] }] });
    await prometheus!.scrapeNow();

    expect(await series('up')).toEqual([{ metric: expect.objectContaining({ instance: address }), value: '0' }]);
    expect(await series('rtb_spaces_count')).toEqual([]);
  });

  it('marks the series of a target whose scrape fails stale, and up 0', async () => {
    const healthy = await exporter(4);
    const failing = await exporter(9);
    await start({ targets: [{ targets: [healthy.address, failing.address] }] });
    await prometheus!.scrapeNow();
    expect(await series('rtb_spaces_count')).toHaveLength(2);

    failing.failWith(500);
    await prometheus!.scrapeNow();

    expect(await series('rtb_spaces_count')).toEqual([{ metric: expect.objectContaining({ instance: healthy.address }), value: '4' }]);
    expect((await series('up')).map((s) => [s.metric.instance, s.value]).sort()).toEqual([
      [failing.address, '0'],
      [healthy.address, '1'],
    ].sort());
  });

  it('marks the series of a dead target stale and brings them back when it answers again', async () => {
    const board = await exporter(4);
    await start({ targets: [{ targets: [board.address] }] });
    await prometheus!.scrapeNow();
    board.failWith(503);
    await prometheus!.scrapeNow();
    expect(await series('rtb_spaces_count')).toEqual([]);

    board.failWith(null);
    board.setBoards(6);
    await prometheus!.scrapeNow();

    expect((await series('rtb_spaces_count')).map((s) => s.value)).toEqual(['6']);
  });

  it('forgets a target that was removed: no up series at all', async () => {
    const kept = await exporter(1);
    const removed = await exporter(2);
    await start({ targets: [{ targets: [kept.address, removed.address] }] });
    await prometheus!.scrapeNow();

    prometheus!.setTargets([{ targets: [kept.address] }]);
    await prometheus!.scrapeNow();

    expect((await series('up')).map((s) => s.metric.instance)).toEqual([kept.address]);
  });

  it('scrapes by itself every interval', async () => {
    const board = await exporter(5);
    await start({ scrapeIntervalMs: 50, targets: [{ targets: [board.address] }] });
    await vi.waitFor(async () => expect(await series('rtb_spaces_count')).toHaveLength(1), { timeout: 10_000, interval: 50 });

    board.setBoards(8);

    await vi.waitFor(async () => expect((await series('rtb_spaces_count')).map((s) => s.value)).toEqual(['8']), { timeout: 10_000, interval: 50 });
  });

  it('shows its targets, their health and last error', async () => {
    const healthy = await exporter(1);
    const failing = await exporter(2);
    failing.failWith(500);
    await start({ targets: [{ targets: [healthy.address, failing.address], labels: { zone: 'a' } }] });
    await prometheus!.scrapeNow();

    const response = await fetch(`${prometheus!.url}/api/v1/targets`);
    const body = (await response.json()) as { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }[] } };

    expect(body.data.activeTargets.map((t) => ({ instance: t.labels.instance, zone: t.labels.zone, health: t.health, lastError: t.lastError, scrapeUrl: t.scrapeUrl }))).toEqual([
      { instance: healthy.address, zone: 'a', health: 'up', lastError: '', scrapeUrl: `http://${healthy.address}/metrics` },
      { instance: failing.address, zone: 'a', health: 'down', lastError: 'server returned HTTP status 500 Internal Server Error', scrapeUrl: `http://${failing.address}/metrics` },
    ]);
  });
});

describe('Prometheus stand-in: file_sd targets file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prometheus-stand-in-'));
    file = join(dir, 'targets.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const writeTargets = async (groups: TargetGroup[]) => {
    await writeFile(`${file}.tmp`, JSON.stringify(groups));
    await rename(`${file}.tmp`, file);
  };

  it('reads its targets from the file and follows changes to it', async () => {
    const first = await exporter(1);
    const second = await exporter(2);
    await writeTargets([{ targets: [first.address], labels: { instance: 'i-001' } }]);
    await start({ targetsFile: file });
    await prometheus!.scrapeNow();
    expect((await series('rtb_spaces_count')).map((s) => [s.metric.instance, s.value])).toEqual([['i-001', '1']]);

    await writeTargets([{ targets: [second.address], labels: { instance: 'i-002' } }]);
    await prometheus!.scrapeNow();

    expect((await series('rtb_spaces_count')).map((s) => [s.metric.instance, s.value])).toEqual([['i-002', '2']]);
  });

  it('has no targets while the file does not exist yet', async () => {
    await start({ targetsFile: file });
    await prometheus!.scrapeNow();

    expect(await series('up')).toEqual([]);
  });

  it('keeps the targets it had when the file turns malformed, and says so', async () => {
    const board = await exporter(1);
    const warnings: string[] = [];
    await writeTargets([{ targets: [board.address] }]);
    await start({ targetsFile: file, warn: (message) => warnings.push(message) });
    await prometheus!.scrapeNow();

    await writeFile(file, '[{"targets": ["127.0.0.1:1"');
    await prometheus!.scrapeNow();

    expect((await series('up')).map((s) => [s.metric.instance, s.value])).toEqual([[board.address, '1']]);
    expect(warnings).toEqual([`${file} is not JSON; keeping the 1 target group(s) read before`]);
  });
});

describe('Prometheus stand-in: queries', () => {
  beforeEach(async () => {
    const boards = await Promise.all([exporter(3), exporter(4), exporter(10)]);
    await start({
      targets: [
        { targets: [boards[0].address], labels: { instance: '10.0.0.1:9100', shard: 'a' } },
        { targets: [boards[1].address], labels: { instance: '10.0.0.1:9100', shard: 'b' } },
        { targets: [boards[2].address], labels: { instance: '10.0.0.2:9100' } },
      ],
    });
    await prometheus!.scrapeNow();
  });

  it('sums by a label', async () => {
    expect(await series('sum by (instance) (rtb_spaces_count{instance=~"10\\\\.0\\\\.0\\\\.1:9100|10\\\\.0\\\\.0\\\\.2:9100"})')).toEqual([
      { metric: { instance: '10.0.0.1:9100' }, value: '7' },
      { metric: { instance: '10.0.0.2:9100' }, value: '10' },
    ]);
  });

  it('applies regex matchers fully anchored, and equality matchers', async () => {
    expect(await series('up{instance=~"10\\\\.0\\\\.0\\\\.2"}')).toEqual([]);
    expect((await series('up{job="board", instance=~".*2:9100"}')).map((s) => s.metric.instance)).toEqual(['10.0.0.2:9100']);
    expect((await series('up{shard!="a"}')).map((s) => s.metric.instance)).toEqual(['10.0.0.1:9100', '10.0.0.2:9100']);
    expect(await series('up{job="node"}')).toEqual([]);
    expect(await series("up{instance!~'10.*'}")).toEqual([]);
  });

  it('answers GET as well as POST, in the Prometheus API format, labelled as a stand-in', async () => {
    const answer = await query('sum by (instance) (rtb_spaces_count{instance="10.0.0.2:9100"})', 'GET');

    expect(answer).toEqual({
      status: 200,
      standIn: 'true',
      body: { status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: '10.0.0.2:9100' }, value: [expect.any(Number), '10'] }] } },
    });
  });

  it.each([
    'rate(rtb_spaces_count[5m])',
    'sum(rtb_spaces_count)',
    'sum without (job) (rtb_spaces_count)',
    'rtb_spaces_count > 0',
    'absent(up{instance="10.0.0.9:9100"})',
    'up{instance=~"10\\.0"}',
    'up{instance=~"(unclosed"}',
    'up{instance=~"a"',
    '',
  ])('answers %j with 400 bad_data, as Prometheus does for what it cannot run', async (promql) => {
    const answer = await query(promql);

    expect(answer).toMatchObject({ status: 400, standIn: 'true', body: { status: 'error', errorType: 'bad_data', error: expect.stringContaining('invalid parameter "query"') } });
  });

  it('says ready, and marks every answer as the stand-in', async () => {
    const ready = await fetch(`${prometheus!.url}/-/ready`);
    const missing = await fetch(`${prometheus!.url}/api/v1/query_range`);

    expect([ready.status, await ready.text(), ready.headers.get('x-prometheus-stand-in')]).toEqual([200, 'Prometheus Server is Ready.\n', 'true']);
    expect([missing.status, missing.headers.get('x-prometheus-stand-in')]).toEqual([404, 'true']);
  });
});

describe('Prometheus stand-in: faults', () => {
  beforeEach(async () => {
    await start();
  });

  it('answers errors as often as told, then recovers', async () => {
    prometheus!.failNext(2, { status: 422, errorType: 'execution', error: 'too many samples' });

    const answers = [await query('up'), await query('up'), await query('up')];

    expect(answers.map((a) => [a.status, a.body.status, a.body.errorType])).toEqual([
      [422, 'error', 'execution'],
      [422, 'error', 'execution'],
      [200, 'success', undefined],
    ]);
  });

  it('answers garbage when told', async () => {
    prometheus!.garbageNext(1, { status: 502, contentType: 'text/html', body: '<html>Bad Gateway</html>' });

    const response = await fetch(`${prometheus!.url}/api/v1/query?query=up`);

    expect([response.status, await response.text()]).toEqual([502, '<html>Bad Gateway</html>']);
  });

  it('hangs when told, until the client gives up', async () => {
    prometheus!.hangNext(1);

    const failure = await fetch(`${prometheus!.url}/api/v1/query?query=up`, { signal: AbortSignal.timeout(200) }).catch((error: Error) => error.name);

    expect(failure).toBe('TimeoutError');
  });
});
