import { expect, it } from 'vitest';
import { ackFigures, formatResults, type BenchResults } from '../../bench/results.js';

const swap = {
  strategy: 'drain-all-at-once' as const,
  servers: 10,
  sessions: 1000,
  lostSessions: 0,
  lostEdits: 0,
  reconnectGapMs: { p50: 1663, p99: 2686, max: 2801 },
  swapSeconds: 21.6,
  floorSeconds: 17.4,
  minServingFraction: 1,
  peakServingFraction: 2,
  peakReconnectsPerSecPerServer: 44,
};

const footprint = { artifact: 'dist/main.js', starts: 3, readyMs: 980, readyMaxMs: 1020, rssMb: 121, goals: { readyMs: 2000, rssMb: 150 } };

it('summarizes acknowledgement latencies with nearest-rank percentiles', () => {
  const bot = Array.from({ length: 100 }, (_, i) => i + 1.04);
  expect(ackFigures(bot, [5, 7, 9, 30], 50)).toEqual({ concurrency: 50, requests: 100, p50Ms: 50, p99Ms: 99, bareBoltP99Ms: 30 });
});

it('writes exactly the fields of results.json, in its shape', () => {
  const results: BenchResults = { swaps: [swap], ack: { concurrency: 50, requests: 500, p50Ms: 12.5, p99Ms: 40, bareBoltP99Ms: 20 }, footprint };
  const written = JSON.parse(JSON.stringify(results)) as Record<string, unknown>;
  expect(Object.keys(written)).toEqual(['swaps', 'ack', 'footprint']);
  expect(Object.keys((written.swaps as object[])[0])).toEqual([
    'strategy',
    'servers',
    'sessions',
    'lostSessions',
    'lostEdits',
    'reconnectGapMs',
    'swapSeconds',
    'floorSeconds',
    'minServingFraction',
    'peakServingFraction',
    'peakReconnectsPerSecPerServer',
  ]);
  expect(Object.keys(written.ack as object)).toEqual(['concurrency', 'requests', 'p50Ms', 'p99Ms', 'bareBoltP99Ms']);
  expect(Object.keys(written.footprint as object)).toEqual(['artifact', 'starts', 'readyMs', 'readyMaxMs', 'rssMb', 'goals']);
});

it('prints one aligned row per swap and the ack and footprint lines', () => {
  const text = formatResults({ swaps: [swap, { ...swap, strategy: 'guided', servers: 3, sessions: 300 }], ack: { concurrency: 50, requests: 500, p50Ms: 12.5, p99Ms: 40, bareBoltP99Ms: 20 }, footprint });
  const lines = text.split('\n');
  expect(lines[2]).toMatch(/^drain-all-at-once\s+10\s+1000\s+0\s+0\s+1663\/2686\/2801\s+21\.6\s+17\.4\s+1\.00–2\.00\s+44$/);
  expect(lines[3]).toMatch(/^guided\s+3\s+300\s/);
  expect(new Set(lines.slice(0, 4).map((l) => l.length)).size).toBe(1);
  expect(text).toContain('ack: 500 signed slash commands and button clicks, 50 at a time: p50 12.5 ms, p99 40 ms (bare Bolt app p99 20 ms)');
  expect(text).toContain('footprint of node dist/main.js: ready in 980 ms (median of 3 starts, slowest 1020 ms), 121 MB resident after start-up (goals: 2000 ms, 150 MB)');
});
