import { formatSlackDate } from './slack-dates.js';

/**
 * Slack mrkdwn to HTML: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, <url|label>
 * links, <@U…>, <#C…>, <!subteam^S…>, <!here> and <!date^…> mentions. Emoji are shown as typed.
 * Every piece of text is HTML-escaped here; nothing from a message reaches the page unescaped.
 *
 * `names` resolves IDs: { user(id), channel(id), group(id) } each returning a name or undefined,
 * and `now` (epoch ms) for relative dates.
 */

/** Slack escapes exactly these three in message text; they stand for the characters themselves. */
const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

export function decodeEntities(text) {
  return text.replace(/&(?:lt|gt|amp);/g, (entity) => ENTITIES[entity]);
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const shown = (text) => escapeHtml(decodeEntities(text)).replace(/\n/g, '<br>');

const FORMATS = { '*': 'strong', _: 'em', '~': 'del' };
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/** A marker opens formatting after a non-word character and before a non-space one (so `a*b*c` and `snake_case` stay plain). */
function opensAt(src, i) {
  const before = src[i - 1];
  const after = src[i + 1];
  return (before === undefined || !WORD.test(before)) && after !== undefined && !SPACE.test(after) && after !== src[i];
}

function closesAt(src, j, marker) {
  const before = src[j - 1];
  const after = src[j + 1];
  return src[j] === marker && !SPACE.test(before) && (after === undefined || !WORD.test(after));
}

/** Where a `<…>` or `` `…` `` span starting at i ends, or -1: markers inside them do not count. */
function spanEnd(src, i) {
  const close = src[i] === '<' ? '>' : src[i] === '`' ? '`' : null;
  if (close === null) return -1;
  const end = src.indexOf(close, i + 1);
  if (end <= i + 1 || src.slice(i + 1, end).includes('\n')) return -1;
  return end;
}

function findCloser(src, from, marker) {
  for (let j = from; j < src.length; j += 1) {
    if (src[j] === '\n') return -1;
    const end = spanEnd(src, j);
    if (end > 0) {
      j = end;
      continue;
    }
    if (j > from && closesAt(src, j, marker)) return j;
  }
  return -1;
}

function inline(src, names) {
  let html = '';
  let text = '';
  const flush = () => {
    html += shown(text);
    text = '';
  };
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i];
    const end = spanEnd(src, i);
    if (end > 0) {
      flush();
      html += c === '<' ? special(src.slice(i + 1, end), names) : `<code>${shown(src.slice(i + 1, end))}</code>`;
      i = end;
      continue;
    }
    const close = FORMATS[c] && opensAt(src, i) ? findCloser(src, i + 1, c) : -1;
    if (close > 0) {
      flush();
      html += `<${FORMATS[c]}>${inline(src.slice(i + 1, close), names)}</${FORMATS[c]}>`;
      i = close;
      continue;
    }
    text += c;
  }
  flush();
  return html;
}

const SAFE_URL = /^(?:https?:|mailto:)/i;
/** A message link as Slack's permalinks have it; the console opens it in the page. */
const PERMALINK = /\/archives\/(C[A-Z0-9]+)\/p(\d{7,})(?:\?thread_ts=(\d+\.\d+))?/;

function permalinkAttributes(url) {
  const match = PERMALINK.exec(url);
  if (!match) return '';
  const [, channel, digits, thread] = match;
  const ts = `${digits.slice(0, -6)}.${digits.slice(-6)}`;
  return ` data-channel="${escapeHtml(channel)}" data-ts="${escapeHtml(ts)}" data-thread="${escapeHtml(thread ?? ts)}"`;
}

function link(url, label) {
  const href = decodeEntities(url);
  if (!SAFE_URL.test(href)) return shown(label ?? url);
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer"${permalinkAttributes(href)}>${shown(label ?? url)}</a>`;
}

function date(target, fallback, now) {
  const [, epoch, format = '', url] = target.split('^');
  const text = formatSlackDate(Number(epoch), format, now);
  if (text === null) return shown(fallback ?? target);
  const iso = new Date(Number(epoch) * 1000).toISOString();
  const time = `<time datetime="${iso}" title="${escapeHtml(decodeEntities(fallback ?? iso))}">${escapeHtml(text)}</time>`;
  return url && SAFE_URL.test(url) ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${time}</a>` : time;
}

/** What is between `<` and `>`: a mention, a date, a broadcast or a link. */
function special(body, names) {
  const bar = body.indexOf('|');
  const target = bar < 0 ? body : body.slice(0, bar);
  const label = bar < 0 ? undefined : body.slice(bar + 1);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention" data-user="${escapeHtml(id)}">@${shown(names.user(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `<a href="#" class="channel-mention" data-channel="${escapeHtml(id)}">#${shown(names.channel(id) ?? label ?? id)}</a>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    return `<span class="mention" data-group="${escapeHtml(id)}">${shown(label ?? `@${names.group(id) ?? id}`)}</span>`;
  }
  if (target.startsWith('!date^')) return date(target, label, names.now);
  if (/^!(?:here|channel|everyone)$/.test(target)) return `<span class="mention">@${target.slice(1)}</span>`;
  if (target.startsWith('!')) return shown(label ?? target);
  return link(target, label);
}

const QUOTE = /^(?:&gt;|>) ?/;

/** Lines starting with `>` are a quote; the rest is inline text with line breaks. */
function paragraphs(part, names) {
  const groups = [];
  for (const line of part.split('\n')) {
    const quoted = QUOTE.test(line);
    const last = groups[groups.length - 1];
    const content = quoted ? line.replace(QUOTE, '') : line;
    if (last && last.quoted === quoted) last.lines.push(content);
    else groups.push({ quoted, lines: [content] });
  }
  return groups.map(({ quoted, lines }) => (quoted ? `<blockquote>${inline(lines.join('\n'), names)}</blockquote>` : inline(lines.join('\n'), names))).join('');
}

export function mrkdwnToHtml(text, names) {
  const parts = String(text).split('```');
  // An unmatched ``` is shown as typed.
  if (parts.length % 2 === 0) parts.splice(parts.length - 2, 2, `${parts[parts.length - 2]}\`\`\`${parts[parts.length - 1]}`);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${escapeHtml(decodeEntities(part.replace(/^\n/, '').replace(/\n$/, '')))}</pre>`;
      // A code block is a block of its own: the line breaks around it are not repeated.
      let text = part;
      if (i > 0) text = text.replace(/^\n/, '');
      if (i < parts.length - 1) text = text.replace(/\n$/, '');
      return text === '' ? '' : paragraphs(text, names);
    })
    .join('');
}
