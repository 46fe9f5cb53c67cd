import type { KnownBlock } from '@slack/web-api';
import type { ChangelogEntry } from '../../deploy/ports.js';
import type { ThreadNote } from '../../deploy/records.js';
import { LIMITS, truncate } from '../limits.js';
import { context, header, packLines, section, type SlackMessage } from './build.js';
import { escape, link, plural, shortRef } from './mrkdwn.js';

type ChangelogNote = Extract<ThreadNote, { type: 'changelog' }>;

/** A subject longer than this is cut before links are made, so a cut never splits a link. */
const MAX_SUBJECT = 200;
/** Room kept in the total-text budget for the header, the summary and the "more commits" line. */
const FRAME_CHARS = 600;

/**
 * The whole changelog as one message: as many commits as Slack's limits allow, newest first, and
 * a count of the rest (those cut here plus those the changelog source already left out).
 */
export function renderChangelog(note: ChangelogNote, subject: { service: string; version: string }): SlackMessage {
  const total = note.entries.length + note.omitted;
  const title = `Changelog ${subject.service} ${subject.version}`;
  const range = note.from ? `\`${escape(shortRef(note.from))}\`..\`${escape(shortRef(note.to))}\`` : `up to \`${escape(shortRef(note.to))}\``;
  const blocks = changelogBlocks({
    title,
    summary: `📜 ${plural(total, 'commit')} ${range}`,
    entries: note.entries,
    omitted: note.omitted,
    jiraBaseUrl: note.jiraBaseUrl,
    listsAll: note.from ? `\`git log ${escape(shortRef(note.from))}..${escape(shortRef(note.to))}\` lists them all` : undefined,
  });
  return { text: `${title}: ${plural(total, 'commit')}`, blocks };
}

export interface ChangelogParts {
  title: string;
  /** mrkdwn under the header. */
  summary: string;
  entries: ChangelogEntry[];
  /** Commits the changelog source already left out. */
  omitted: number;
  jiraBaseUrl?: string;
  /** mrkdwn saying where the commits that do not fit can be read. */
  listsAll?: string;
  /** A last context line (mrkdwn), kept whatever the length of the changelog. */
  closing?: string;
}

/** Header, summary, the commit lines that fit, a count of the rest, and the closing line. */
export function changelogBlocks(parts: ChangelogParts): KnownBlock[] {
  const closing = parts.closing ? truncate(parts.closing, LIMITS.sectionText) : undefined;
  const lines = parts.entries.map((entry) => commitLine(entry, parts.jiraBaseUrl));
  const { sections, fitted } = packLines(lines, {
    blocks: LIMITS.blocksPerMessage - 3 - (closing ? 1 : 0),
    chars: LIMITS.messageBlocksText - FRAME_CHARS - (closing?.length ?? 0),
  });
  const left = parts.entries.length - fitted + parts.omitted;
  const blocks: KnownBlock[] = [header(parts.title), section(parts.summary), ...sections];
  if (left > 0) blocks.push(context(`… and ${plural(left, 'more commit')}${parts.listsAll ? ` (${parts.listsAll})` : ''}`));
  if (closing) blocks.push(context(closing));
  return blocks;
}

function commitLine(entry: ChangelogEntry, jiraBaseUrl: string | undefined): string {
  const keys = [...new Set(entry.issueKeys)];
  const subject = escape(truncate(entry.subject, MAX_SUBJECT));
  const inSubject = keys.filter((key) => new RegExp(`\\b${escapeRegExp(key)}\\b`).test(subject));
  const elsewhere = keys.filter((key) => !inSubject.includes(key));
  const linked = jiraBaseUrl && inSubject.length > 0 ? linkKeys(subject, inSubject, jiraBaseUrl) : subject;
  const extra = elsewhere.length > 0 ? ` (${elsewhere.map((key) => jiraLink(key, jiraBaseUrl)).join(', ')})` : '';
  return `\`${escape(entry.sha.slice(0, 7))}\` ${linked}${extra} — ${escape(entry.author)}`;
}

/** One pass over the subject, so a key is never linked twice or inside another key's link. */
function linkKeys(subject: string, keys: string[], jiraBaseUrl: string): string {
  const pattern = new RegExp(`\\b(${keys.map(escapeRegExp).join('|')})\\b`, 'g');
  return subject.replace(pattern, (key) => jiraLink(key, jiraBaseUrl));
}

function jiraLink(key: string, jiraBaseUrl: string | undefined): string {
  return jiraBaseUrl ? link(`${jiraBaseUrl.replace(/\/+$/, '')}/browse/${key}`, key) : escape(key);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
