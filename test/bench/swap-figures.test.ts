import { describe, expect, it } from 'vitest';
import { floorMs, peakRejoinsPerSecond, servingFractions, swapFigures, type SwapRecord } from '../../bench/swap-figures.js';

const record = (overrides: Partial<SwapRecord> = {}): SwapRecord => ({
  strategy: 'guided',
  servers: 4,
  sessions: 400,
  lostSessions: 0,
  lostEdits: 0,
  reconnectGapsMs: [],
  startedAt: 10_000,
  endedAt: 52_340,
  healthySamples: [4, 6, 8, 8, 5, 4],
  rejoins: [],
  launchToHealthyMs: [9_000, 8_200, 9_900],
  gateObserveMs: 5_000,
  drainsMs: [310, 120, 450],
  ...overrides,
});

describe('serving fractions', () => {
  it('divides the fewest and the most healthy targets by the starting fleet', () => {
    expect(servingFractions([10, 14, 20, 20, 9, 10], 10)).toEqual({ min: 0.9, peak: 2 });
  });

  it('reads no samples as nothing serving rather than as a full fleet', () => {
    expect(servingFractions([], 10)).toEqual({ min: 0, peak: 0 });
  });
});

describe('peak rejoins per second per server', () => {
  it('counts rejoins per whole second since the start and per server, and keeps the busiest bucket', () => {
    const rejoins = [
      { at: 1_100, server: 'i-a' },
      { at: 1_900, server: 'i-a' },
      { at: 1_950, server: 'i-b' },
      { at: 2_050, server: 'i-a' },
      { at: 2_100, server: 'i-a' },
      { at: 2_999, server: 'i-a' },
    ];
    expect(peakRejoinsPerSecond(rejoins, 1_000)).toBe(3);
  });

  it('ignores rejoins before the swap began', () => {
    expect(peakRejoinsPerSecond([{ at: 500, server: 'i-a' }, { at: 600, server: 'i-a' }, { at: 1_200, server: 'i-a' }], 1_000)).toBe(1);
  });

  it('is zero when nobody had to rejoin', () => {
    expect(peakRejoinsPerSecond([], 0)).toBe(0);
  });
});

describe('floor', () => {
  it('adds the quickest launch to healthy, the gate observation and the quickest drain', () => {
    expect(floorMs(record())).toBe(8_200 + 5_000 + 120);
  });

  it('leaves out drains when nothing was drained (terminate after healthy)', () => {
    expect(floorMs(record({ gateObserveMs: 0, drainsMs: [] }))).toBe(8_200);
  });
});

describe('swap figures', () => {
  it('reduces a run to the row written to results.json', () => {
    const figures = swapFigures(record({ reconnectGapsMs: [120.4, 300.6, 90, 4_000], rejoins: [{ at: 12_000, server: 'i-n' }], lostSessions: 1, lostEdits: 2 }));
    expect(figures).toEqual({
      strategy: 'guided',
      servers: 4,
      sessions: 400,
      lostSessions: 1,
      lostEdits: 2,
      reconnectGapMs: { p50: 120, p99: 4_000, max: 4_000 },
      swapSeconds: 42.3,
      floorSeconds: 13.3,
      minServingFraction: 1,
      peakServingFraction: 2,
      peakReconnectsPerSecPerServer: 1,
    });
  });
});
