import type { ThreadNote } from '../../deploy/records.js';
import type { SlackMessage } from './build.js';
import { changelogBlocks } from './changelog.js';
import { escape, link, plural } from './mrkdwn.js';

type AnnounceNote = Extract<ThreadNote, { type: 'announce' }>;

/** The release channel's message: what went out, with the whole changelog and the way to the release's thread. */
export function renderAnnouncement(note: AnnounceNote, subject: { service: string }): SlackMessage {
  const name = `${subject.service} ${note.version}`;
  const total = note.entries.length + note.omitted;
  const versions = note.from ? `${escape(note.from)} → ${escape(note.version)}` : escape(note.version);
  const blocks = changelogBlocks({
    title: `${name} released`,
    summary: `🚀 *${escape(subject.service)}* ${versions}: ${total > 0 ? plural(total, 'commit') : 'no changelog available'}`,
    entries: note.entries,
    omitted: note.omitted,
    jiraBaseUrl: note.jiraBaseUrl,
    closing: note.threadLink ? `${link(note.threadLink, 'The release thread')} has the whole story.` : undefined,
  });
  return { text: `${name} released${total > 0 ? `: ${plural(total, 'commit')}` : ''}`, blocks };
}
