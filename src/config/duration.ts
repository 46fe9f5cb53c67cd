import ms from 'ms';
import { z } from 'zod';

/**
 * Durations in the catalog are written the way people say them ("4h", "90s", "15m") so that a
 * policy reads like the team's runbook; they are held as milliseconds everywhere else.
 */
export function duration(example: string, { min = 0 }: { min?: number } = {}) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    // A bare number has no unit: `minSoak: 4` would silently mean 4 ms, so only 0 may go without one.
    const parsed = typeof value === 'number' ? (value === 0 ? 0 : Number.NaN) : ms(value as ms.StringValue);
    if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "${example}" (units ms, s, m, h, d), got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    if (parsed < min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${ms(min, { long: true })}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return parsed;
  });
}

export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, Math.round(milliseconds / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 && m < 10 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}
