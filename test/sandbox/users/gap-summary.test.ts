import { expect, it } from 'vitest';
import { summarizeGaps } from '../../../src/sandbox/users/gap-summary.js';

it('summarizes reconnect gaps with nearest-rank percentiles', () => {
  const gaps = Array.from({ length: 100 }, (_, i) => 100 - i);
  expect(summarizeGaps(gaps)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
});

it('takes the only gap for every percentile', () => {
  expect(summarizeGaps([420])).toEqual({ count: 1, p50: 420, p99: 420, max: 420 });
});

it('is all zero when nobody had to reconnect', () => {
  expect(summarizeGaps([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
});
