import { truncate } from '../limits.js';

/** Slack mrkdwn pieces and wording. Anything a person or another system wrote goes through `escape` first. */

/** Slack requires exactly these three to be escaped; everything else is shown as typed. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text from other systems or people is cut to this before escaping, so a message stays within Slack's total budget. */
const MAX_QUOTE = 500;

/** Someone else's words (a reason, an error message), cut and escaped. */
export function quote(text: string): string {
  return escape(truncate(text, MAX_QUOTE));
}

/** An identifier (instance, AMI, deploy id) as inline code. */
export function code(text: string): string {
  return `\`${escape(text)}\``;
}

/** A link whose label is escaped and whose URL cannot break out of the `<url|label>` syntax. */
export function link(url: string, label: string): string {
  const safeUrl = url.replace(/[<>|]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${escape(label)}>`;
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** A mention for Slack user IDs; other actors (the bot itself, "auto") are shown as plain text. */
export function mention(actor: string): string {
  return SLACK_USER.test(actor) ? `<@${actor}>` : escape(actor);
}

export function channelLink(channelId: string): string {
  return `<#${channelId}>`;
}

/** A time each reader sees in their own time zone; the fallback (notifications, old clients) is UTC. */
export function slackTime(epochMs: number): string {
  const utc = new Date(epochMs).toISOString().slice(11, 16);
  return `<!date^${Math.floor(epochMs / 1000)}^{time}|${utc} UTC>`;
}

/** Date and time in each reader's time zone, for anything that may not be today. */
export function slackDateTime(epochMs: number): string {
  const utc = `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(epochMs / 1000)}^{date_short_pretty} {time}|${utc}>`;
}

/** Full SHAs are noise in a chat message; versions and short refs are shown as they are. */
export function shortRef(ref: string): string {
  return /^[0-9a-f]{12,40}$/.test(ref) ? ref.slice(0, 7) : ref;
}

/** "1 commit", "3 commits". */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/** "12,345": board counts are read at a glance. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
