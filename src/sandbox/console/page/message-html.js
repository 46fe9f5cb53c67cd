import { messageBodyHtml } from './blocks.js';
import { escapeHtml } from './mrkdwn.js';

/**
 * One message as the page shows it. `entry` is what the page knows about it:
 * { kind: 'message' | 'ephemeral' | 'notice', key, channel, ts, author: { id, name, bot },
 *   text, blocks, edited, replyCount, latestReply }.
 * A notice is the console's own word (a command that failed), shown like Slackbot's.
 */

/** Slack timestamps are epoch seconds with microseconds. */
export const tsToDate = (ts) => new Date(Number(String(ts).split('.')[0]) * 1000);

const clock = (ts) => tsToDate(ts).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
const fullDate = (ts) => tsToDate(ts).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' });

function initials(name) {
  const words = String(name).split(/[\s._-]+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[1][0] : String(name).slice(0, 2)).toUpperCase();
}

/** A stable colour per person, so faces are recognisable down a long thread. */
function hue(id) {
  let hash = 0;
  for (const c of String(id)) hash = (hash * 31 + c.charCodeAt(0)) % 360;
  return hash;
}

function avatarHtml(author) {
  const style = author.bot ? '' : ` style="background: hsl(${hue(author.id)} 45% 42%)"`;
  return `<div class="avatar${author.bot ? ' avatar-bot' : ''}"${style} aria-hidden="true">${escapeHtml(initials(author.name))}</div>`;
}

function repliesHtml(entry) {
  if (!entry.replyCount) return '';
  const label = `${entry.replyCount} ${entry.replyCount === 1 ? 'reply' : 'replies'}`;
  const last = entry.latestReply ? `<span class="last-reply">Last reply ${escapeHtml(clock(entry.latestReply))}</span>` : '';
  return `<div class="replies"><button type="button" class="replies-link" data-thread="${escapeHtml(entry.ts)}">${label}</button>${last}</div>`;
}

export function messageHtml(entry, names, { showReplies = false } = {}) {
  const classes = ['msg', `msg-${entry.kind}`];
  const badge = entry.author.bot ? '<span class="app-badge">APP</span>' : '';
  const edited = entry.edited ? '<span class="edited">(edited)</span>' : '';
  const privately =
    entry.kind === 'message'
      ? ''
      : `<div class="only-you"><span aria-hidden="true">👁</span> Only visible to you <button type="button" class="dismiss" data-dismiss="${escapeHtml(entry.key)}">Dismiss</button></div>`;
  return (
    `<article class="${classes.join(' ')}" data-key="${escapeHtml(entry.key)}" data-kind="${entry.kind}" data-channel="${escapeHtml(entry.channel)}" data-ts="${escapeHtml(entry.ts)}">` +
    avatarHtml(entry.author) +
    `<div class="msg-main">${privately}` +
    `<div class="msg-meta"><span class="author">${escapeHtml(entry.author.name)}</span>${badge}` +
    `<time datetime="${tsToDate(entry.ts).toISOString()}" title="${escapeHtml(fullDate(entry.ts))}">${escapeHtml(clock(entry.ts))}</time>${edited}</div>` +
    `<div class="msg-body">${messageBodyHtml(entry, names)}</div>` +
    (showReplies ? repliesHtml(entry) : '') +
    `</div></article>`
  );
}
