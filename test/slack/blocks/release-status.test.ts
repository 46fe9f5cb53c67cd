import { describe, expect, it } from 'vitest';
import { describeEta, drainEta } from '../../../src/slack/blocks/release-status.js';
import { MINUTE, NOW } from '../fixtures.js';
import { draining, drainServer, oldId, release } from './release-fixtures.js';

function drainOf(servers: ReturnType<typeof drainServer>[], oldBoardsAtStart: number | null, startedAt: number | null) {
  const deploy = draining();
  deploy.facts.drain = { ...deploy.facts.drain, servers, oldBoardsAtStart, startedAt };
  return deploy.facts;
}

describe('drain ETA', () => {
  it('divides the boards left on old servers by the boards that left them per second so far', () => {
    // 1,000 boards at the start, 600 left after 100 s: 4 boards/s, so 150 s to go.
    const facts = drainOf([drainServer(oldId(1), 100, 'draining', 1), drainServer(oldId(2), 500)], 1000, NOW - 100_000);

    expect(drainEta(facts, NOW)).toEqual({ remaining: 600, boardsPerSecond: 4, etaMs: 150_000 });
  });

  it('does not count what is left on drained servers as work to do, but counts it as not moved', () => {
    // 2 boards linger on a drained server (residual): 798 moved in 200 s, 200 to go.
    const facts = drainOf([drainServer(oldId(1), 2, 'drained', 1), drainServer(oldId(2), 200)], 1000, NOW - 200_000);

    expect(drainEta(facts, NOW)).toEqual({ remaining: 200, boardsPerSecond: 3.99, etaMs: (200 / 3.99) * 1000 });
  });

  it('has no estimate before the drain, without a starting count, before anything moved, or while a count is unknown', () => {
    expect(drainEta(release().facts, NOW)).toBeNull();
    expect(drainEta(drainOf([drainServer(oldId(1), 100)], null, NOW - MINUTE), NOW)).toBeNull();
    expect(drainEta(drainOf([drainServer(oldId(1), 100)], 100, NOW - MINUTE), NOW)).toBeNull();
    expect(drainEta(drainOf([drainServer(oldId(1), 100)], 150, NOW), NOW)).toBeNull();
    expect(drainEta(drainOf([drainServer(oldId(1), 10, 'draining', 1), drainServer(oldId(2), null)], 300, NOW - MINUTE), NOW)).toBeNull();
  });

  it('says "estimating…" without an estimate, and "any moment" when nothing is left', () => {
    expect(describeEta(null, NOW)).toBe('estimating…');
    expect(describeEta({ remaining: 0, boardsPerSecond: 12.4, etaMs: 0 }, NOW)).toBe('any moment now (12 boards/s so far)');
  });

  it('gives the time left, the clock time it ends and the pace', () => {
    expect(describeEta({ remaining: 1234, boardsPerSecond: 2.25, etaMs: 12 * MINUTE }, NOW)).toBe(
      `~12m, about <!date^${(NOW + 12 * MINUTE) / 1000}^{time}|12:12 UTC> (1,234 boards left at 2.3 boards/s)`,
    );
  });
});
