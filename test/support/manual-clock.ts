import type { Clock } from '../../src/deploy/ports.js';

/** A clock that only moves when the test says so. */
export function manualClock(start = Date.UTC(2026, 10, 23, 9, 0, 0)) {
  let now = start;
  const clock: Clock & { advance(ms: number): number; set(ms: number): void } = {
    now: () => now,
    advance(ms) {
      now += ms;
      return now;
    },
    set(ms) {
      now = ms;
    },
  };
  return clock;
}
