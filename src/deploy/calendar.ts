import { DateTime } from 'luxon';
import type { ServiceConfig } from '../config/catalog.js';

export type DeployWindows = NonNullable<ServiceConfig['windows']>;

export type WindowCheck = { open: true } | { open: false; reason: string; nextOpenAt: number | null };

type Weekday = DeployWindows['days'][number];

/** In luxon's order: weekday 1 is Monday. */
const WEEK: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SEARCH_DAYS = 60;
const DAY_MS = 86_400_000;

/**
 * Whether a deploy may start at `now`. Hours are wall-clock times in the windows' time zone; an
 * end at or before the start runs into the next day ("22:00-06:00"). Holidays and freezes close
 * whole local dates, including the part of an overnight window that falls on them. No windows
 * means always open.
 */
export function checkWindow(windows: DeployWindows | undefined, now: number, service?: string): WindowCheck {
  if (!windows) return { open: true };
  const rules = compile(windows);
  if (rules.isOpen(now)) return { open: true };
  return { open: false, reason: rules.whyClosed(now, service), nextOpenAt: nextOpening(rules, now) };
}

/** One line for a plan message, e.g. "Mon–Fri 09:00–16:00 Europe/Berlin; freeze 2026-12-21 → 2027-01-04 (Year-end change freeze)". */
export function describeWindows(windows: DeployWindows | undefined, now?: number): string {
  if (!windows) return 'any time (no deploy windows)';
  // With a `now`, dates already past are left out: last year's freeze only confuses a plan.
  const today = now === undefined ? '' : (DateTime.fromMillis(now, { zone: windows.timezone }).toISODate() ?? '');
  const holidays = windows.holidays.filter((date) => date >= today);
  const freezes = windows.freezes.filter((freeze) => freeze.to >= today);
  return [
    `${describeDays(windows.days)} ${describeHours(windows.hours)} ${windows.timezone}`,
    ...(holidays.length > 0 ? [`holidays ${holidays.join(', ')}`] : []),
    ...freezes.map((freeze) => `freeze ${freeze.from} → ${freeze.to} (${freeze.reason})`),
  ].join('; ');
}

interface Rules {
  zone: string;
  startMinute: number;
  isOpen(instant: number): boolean;
  whyClosed(instant: number, service?: string): string;
}

function compile(windows: DeployWindows): Rules {
  const zone = windows.timezone;
  const deployDays = new Set(windows.days.map((day) => WEEK.indexOf(day) + 1));
  const [startMinute, endMinute] = windows.hours.split('-').map(minutesOf);
  const overnight = endMinute <= startMinute;
  const holidays = new Set(windows.holidays);

  const local = (instant: number) => DateTime.fromMillis(instant, { zone });
  const freezeOn = (date: string) =>
    windows.freezes.filter((freeze) => freeze.from <= date && date <= freeze.to).sort((a, b) => b.to.localeCompare(a.to))[0];

  return {
    zone,
    startMinute,
    isOpen(instant) {
      const time = local(instant);
      const date = time.toISODate() ?? '';
      if (holidays.has(date) || freezeOn(date)) return false;
      const minute = time.hour * 60 + time.minute;
      const startedToday = deployDays.has(time.weekday) && minute >= startMinute && (overnight || minute < endMinute);
      const previousDay = ((time.weekday + 5) % 7) + 1;
      const startedYesterday = overnight && deployDays.has(previousDay) && minute < endMinute;
      return startedToday || startedYesterday;
    },
    whyClosed(instant, service) {
      const time = local(instant);
      const date = time.toISODate() ?? '';
      const freeze = freezeOn(date);
      if (freeze) return `change freeze until ${freeze.to}: ${freeze.reason}`;
      if (holidays.has(date)) return `${date} is a holiday`;
      if (!deployDays.has(time.weekday)) {
        return `${DAY_NAMES[time.weekday - 1]} is not a deploy day${service ? ` for ${service}` : ''} (${describeDays(windows.days)})`;
      }
      return `outside deploy hours ${describeHours(windows.hours)} ${zone}`;
    },
  };
}

/**
 * The first instant after `now` at which a window opens. A window can only open when the wall
 * clock reaches the start time or a new date begins, so those instants are the candidates, each
 * confirmed with the same rule that decides "open".
 */
function nextOpening(rules: Rules, now: number): number | null {
  const today = DateTime.fromMillis(now, { zone: rules.zone }).startOf('day');
  const candidates: number[] = [];
  for (let offset = 0; offset <= SEARCH_DAYS; offset += 1) {
    const day = today.plus({ days: offset });
    const start = day.set({ hour: Math.floor(rules.startMinute / 60), minute: rules.startMinute % 60 });
    // A start time the clock skips (DST gap) is shifted later by luxon, but the window really
    // opens when the clock jumps past it: at the top of that hour in zones with whole-hour shifts.
    candidates.push(day.toMillis(), start.toMillis(), start.startOf('hour').toMillis());
  }
  const horizon = now + SEARCH_DAYS * DAY_MS;
  return (
    candidates
      .filter((instant) => instant > now && instant <= horizon)
      .sort((a, b) => a - b)
      .find((instant) => rules.isOpen(instant)) ?? null
  );
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return Math.min(hours * 60 + minutes, 24 * 60);
}

function describeHours(hours: string): string {
  return hours.replace('-', '–');
}

/** "Mon–Fri", "Sun–Thu", "Mon, Wed, Fri", "every day". */
function describeDays(days: readonly Weekday[]): string {
  const chosen = WEEK.map((day) => days.includes(day));
  if (chosen.every(Boolean)) return 'every day';
  // A run across the week's end ("Sun–Thu") starts after the last day off, so it stays one run.
  const first = chosen[6] && chosen[0] ? chosen.lastIndexOf(false) + 1 : 0;
  const ordered = WEEK.map((_, i) => (first + i) % 7);
  const runs: number[][] = [];
  let run: number[] = [];
  for (const index of ordered) {
    if (chosen[index]) {
      run.push(index);
      continue;
    }
    if (run.length > 0) runs.push(run);
    run = [];
  }
  if (run.length > 0) runs.push(run);
  const short = (index: number) => DAY_NAMES[index].slice(0, 3);
  return runs
    .flatMap((r) => (r.length >= 3 ? [`${short(r[0])}–${short(r[r.length - 1])}`] : r.map(short)))
    .join(', ');
}
