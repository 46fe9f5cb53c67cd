/**
 * `<!date^epoch^{token} …|fallback>` as Slack shows it: in the reader's own time zone and locale.
 * Unknown tokens stay as typed, as Slack leaves them.
 */

const DAY_MS = 86_400_000;

const inLocale = (date, options) => date.toLocaleString(undefined, options);
const pad = (n) => String(n).padStart(2, '0');

const TOKENS = {
  date_num: (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
  date: (d) => inLocale(d, { year: 'numeric', month: 'long', day: 'numeric' }),
  date_short: (d) => inLocale(d, { year: 'numeric', month: 'short', day: 'numeric' }),
  date_long: (d) => inLocale(d, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
  time: (d) => inLocale(d, { hour: 'numeric', minute: '2-digit' }),
  time_secs: (d) => inLocale(d, { hour: 'numeric', minute: '2-digit', second: '2-digit' }),
  ago: (d, now) => ago(d.getTime() - now),
};

function startOfDay(ms) {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** "today", "yesterday", "tomorrow", else the plain date. */
function pretty(base, d, now) {
  const days = Math.round((startOfDay(d.getTime()) - startOfDay(now)) / DAY_MS);
  if (Math.abs(days) > 1) return TOKENS[base](d, now);
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(days, 'day');
}

function ago(deltaMs) {
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const seconds = Math.round(deltaMs / 1000);
  const units = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

/** The text for a date token string such as "{date_short_pretty} {time}"; null when the epoch is not a number. */
export function formatSlackDate(epochSeconds, format, now = Date.now()) {
  if (!Number.isFinite(epochSeconds)) return null;
  const date = new Date(epochSeconds * 1000);
  return format.replace(/\{(\w+)\}/g, (whole, token) => {
    const base = token.replace(/_pretty$/, '');
    if (token !== base && TOKENS[base] && base.startsWith('date')) return pretty(base, date, now);
    return TOKENS[token] ? TOKENS[token](date, now) : whole;
  });
}
