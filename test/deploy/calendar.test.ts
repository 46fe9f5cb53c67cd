import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { checkWindow, describeWindows, type DeployWindows } from '../../src/deploy/calendar.js';
import { exampleService } from '../support/catalog.js';

const at = (iso: string) => Date.parse(iso);

function windows(patch: Partial<DeployWindows> = {}): DeployWindows {
  return { timezone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-16:00', holidays: [], freezes: [], ...patch };
}

describe('deploy windows', () => {
  it('is always open when the service declares no windows', () => {
    expect(checkWindow(undefined, at('2026-12-26T03:00:00Z'))).toEqual({ open: true });
  });

  it('is open inside the hours of a deploy day, local time', () => {
    // 09:30 in Berlin (CEST, UTC+2) on Tuesday 2026-06-02.
    expect(checkWindow(windows(), at('2026-06-02T07:30:00Z'))).toEqual({ open: true });
    expect(checkWindow(windows(), at('2026-06-02T06:59:59Z')).open).toBe(false);
    expect(checkWindow(windows(), at('2026-06-02T13:59:59Z'))).toEqual({ open: true });
    expect(checkWindow(windows(), at('2026-06-02T14:00:00Z')).open).toBe(false);
  });

  it('names the day and the deploy days on a weekend and opens again on Monday morning', () => {
    expect(checkWindow(windows(), at('2026-06-06T10:00:00Z'), 'board')).toEqual({
      open: false,
      reason: 'Saturday is not a deploy day for board (Mon–Fri)',
      nextOpenAt: at('2026-06-08T07:00:00Z'),
    });
  });

  it('says the hours and the time zone outside deploy hours, and opens the same or the next morning', () => {
    expect(checkWindow(windows(), at('2026-06-02T05:00:00Z'))).toEqual({
      open: false,
      reason: 'outside deploy hours 09:00–16:00 Europe/Berlin',
      nextOpenAt: at('2026-06-02T07:00:00Z'),
    });
    expect(checkWindow(windows(), at('2026-06-02T15:00:00Z'))).toMatchObject({ nextOpenAt: at('2026-06-03T07:00:00Z') });
  });

  it('opens at 09:00 local time after the clocks go forward on the last Sunday of March', () => {
    // Friday 16:30 CET (UTC+1); Monday 09:00 is CEST (UTC+2), so 07:00 UTC rather than 08:00.
    expect(checkWindow(windows(), at('2026-03-27T15:30:00Z'))).toMatchObject({ open: false, nextOpenAt: at('2026-03-30T07:00:00Z') });
  });

  it('opens at 09:00 local time after the clocks go back on the last Sunday of October', () => {
    // Friday 16:30 CEST (UTC+2); Monday 09:00 is CET (UTC+1), so 08:00 UTC.
    expect(checkWindow(windows(), at('2026-10-23T14:30:00Z'))).toMatchObject({ open: false, nextOpenAt: at('2026-10-26T08:00:00Z') });
  });

  it('keeps an overnight window to its wall-clock hours across the spring DST night', () => {
    const nightly = windows({ days: ['sat', 'sun'], hours: '22:00-06:00' });
    // Saturday 22:00 CET until Sunday 06:00 CEST is seven real hours.
    expect(checkWindow(nightly, at('2026-03-28T21:00:00Z'))).toEqual({ open: true });
    expect(checkWindow(nightly, at('2026-03-29T03:59:00Z'))).toEqual({ open: true });
    expect(checkWindow(nightly, at('2026-03-29T04:00:00Z'))).toEqual({
      open: false,
      reason: 'outside deploy hours 22:00–06:00 Europe/Berlin',
      nextOpenAt: at('2026-03-29T20:00:00Z'),
    });
    // Monday morning still belongs to Sunday night's window; Monday night does not open.
    expect(checkWindow(nightly, at('2026-03-30T03:00:00Z'))).toEqual({ open: true });
    expect(checkWindow(nightly, at('2026-03-30T04:00:00Z'))).toMatchObject({ nextOpenAt: at('2026-04-04T20:00:00Z') });
  });

  it('opens a window whose start the clock skips when the clock jumps past it', () => {
    const early = windows({ days: ['sun'], hours: '02:30-05:00' });
    // 01:45 CET; at 02:00 CET the clock jumps to 03:00 CEST, already past 02:30.
    expect(checkWindow(early, at('2026-03-29T00:45:00Z'))).toMatchObject({ open: false, nextOpenAt: at('2026-03-29T01:00:00Z') });
    expect(checkWindow(early, at('2026-03-29T01:00:00Z'))).toEqual({ open: true });
  });

  it('closes a holiday and opens on the next deploy day that is not one', () => {
    const christmas = windows({ holidays: ['2026-12-24', '2026-12-25'] });
    expect(checkWindow(christmas, at('2026-12-24T10:00:00Z'))).toEqual({
      open: false,
      reason: '2026-12-24 is a holiday',
      nextOpenAt: at('2026-12-28T08:00:00Z'),
    });
  });

  it('reads holidays as local dates, not UTC dates', () => {
    const christmas = windows({ hours: '00:00-24:00', holidays: ['2026-12-24'] });
    // 23:30 UTC on the 23rd is already the 24th in Berlin.
    expect(checkWindow(christmas, at('2026-12-23T23:30:00Z'))).toMatchObject({ open: false, reason: '2026-12-24 is a holiday' });
    expect(checkWindow(christmas, at('2026-12-23T22:59:00Z'))).toEqual({ open: true });
  });

  it('holds the year-end freeze of the example catalog into January, inclusive of its last day', () => {
    const example = exampleService().windows;
    expect(checkWindow(example, at('2026-12-22T10:00:00Z'))).toEqual({
      open: false,
      reason: 'change freeze until 2027-01-04: Year-end change freeze',
      nextOpenAt: at('2027-01-04T23:00:00Z'),
    });
    expect(checkWindow(example, at('2027-01-04T22:59:59Z')).open).toBe(false);
    expect(checkWindow(example, at('2027-01-04T23:00:00Z'))).toEqual({ open: true });
  });

  it('names the freeze that ends last when freezes overlap, ahead of a holiday on the same date', () => {
    const overlapping = windows({
      holidays: ['2026-12-24'],
      freezes: [
        { from: '2026-12-20', to: '2026-12-27', reason: 'Holiday freeze' },
        { from: '2026-12-23', to: '2027-01-06', reason: 'Migration' },
      ],
    });
    expect(checkWindow(overlapping, at('2026-12-24T10:00:00Z'))).toMatchObject({ reason: 'change freeze until 2027-01-06: Migration', nextOpenAt: at('2027-01-07T08:00:00Z') });
  });

  it('gives no next opening when nothing opens within 60 days', () => {
    const long = windows({ freezes: [{ from: '2026-01-01', to: '2026-06-30', reason: 'Platform rebuild' }] });
    expect(checkWindow(long, at('2026-02-02T10:00:00Z'))).toEqual({ open: false, reason: 'change freeze until 2026-06-30: Platform rebuild', nextOpenAt: null });
  });
});

describe('describing deploy windows', () => {
  it('sums up days, hours, zone, upcoming holidays and freezes for a plan message', () => {
    const example = exampleService().windows;
    expect(describeWindows(example)).toBe(
      'Mon–Fri 00:00–24:00 Europe/Berlin; holidays 2026-12-24, 2026-12-25, 2026-12-31, 2027-01-01; freeze 2026-12-21 → 2027-01-04 (Year-end change freeze)',
    );
    expect(describeWindows(example, at('2026-12-28T12:00:00Z'))).toBe(
      'Mon–Fri 00:00–24:00 Europe/Berlin; holidays 2026-12-31, 2027-01-01; freeze 2026-12-21 → 2027-01-04 (Year-end change freeze)',
    );
    expect(describeWindows(example, at('2027-02-01T12:00:00Z'))).toBe('Mon–Fri 00:00–24:00 Europe/Berlin');
  });

  it('writes runs of days as ranges, also across the end of the week', () => {
    expect(describeWindows(windows({ days: ['sun', 'mon', 'tue', 'wed', 'thu'] }))).toBe('Sun–Thu 09:00–16:00 Europe/Berlin');
    expect(describeWindows(windows({ days: ['mon', 'wed', 'fri'] }))).toBe('Mon, Wed, Fri 09:00–16:00 Europe/Berlin');
    expect(describeWindows(windows({ days: ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'] }))).toBe('every day 09:00–16:00 Europe/Berlin');
  });

  it('says when there are no windows', () => {
    expect(describeWindows(undefined)).toBe('any time (no deploy windows)');
  });
});

describe('deploy windows in the catalog', () => {
  const withZone = (zone: string) => (yaml: string) => yaml.replace('timezone: Europe/Berlin', `timezone: ${zone}`);

  it('refuses a time zone that is not an IANA zone, with the path of the key', () => {
    let problems: string[] = [];
    try {
      exampleService(withZone('Europe/Berlinn'));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual(['services.board.windows.timezone: expected an IANA time zone such as Europe/Berlin or UTC']);
  });

  it('accepts IANA zones and defaults to UTC, Monday to Friday, all day', () => {
    expect(exampleService(withZone('America/New_York')).windows?.timezone).toBe('America/New_York');
    const bare = exampleService((yaml) => yaml.replace(/ {4}windows:\n( {6}.*\n| {8}.*\n)+/, '    windows: {}\n'));
    expect(bare.windows).toEqual({ timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '00:00-24:00', holidays: [], freezes: [] });
  });
});
