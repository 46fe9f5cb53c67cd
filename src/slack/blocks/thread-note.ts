import type { Instance, NewIssue, TargetHealth } from '../../deploy/ports.js';
import { formatDuration } from '../../config/duration.js';
import type { DeployRecord, ThreadNote } from '../../deploy/records.js';
import { truncate } from '../limits.js';
import { textMessage, type SlackMessage } from './build.js';
import { renderChangelog } from './changelog.js';
import { describeDecision } from './decision.js';
import { LEVEL_EMOJI } from './issues.js';
import { code, escape, link, mention, plural, quote, slackTime } from './mrkdwn.js';
import { renderHeldNote, renderHoldAnswered } from './hold.js';
import { renderAnnouncement } from './release-announcement.js';
import { renderReleaseNote } from './release-notes.js';
import { SYSTEM_NAME } from './system-name.js';

/** What a note needs to know about its deploy; buttons carry its id. */
export type ThreadNoteContext = Pick<DeployRecord, 'id' | 'service' | 'version' | 'kind'>;


/** One thread message per note, readable on its own. */
export function renderThreadNote(note: ThreadNote, context: ThreadNoteContext): SlackMessage {
  switch (note.type) {
    case 'changelog':
      return renderChangelog(note, context);
    case 'requested':
      return textMessage(
        `🚀 ${mention(note.by)} requested ${context.kind === 'prerelease' ? 'a pre-release' : 'a release'} of *${escape(context.service)} ${escape(note.version)}*: ` +
          `${plural(note.canaries, 'canary', 'canaries')} from \`${escape(note.imageId)}\``,
      );
    case 'launched':
      return textMessage(`🖥️ Launched ${plural(note.instances.length, 'instance')}: ${instanceList(note.instances)}`);
    case 'in_service':
      return textMessage(`✅ In service after ${formatDuration(note.afterMs)}: ${note.instanceIds.map(code).join(', ')}`);
    case 'new_issue':
      return textMessage(describeIssue(note.issue));
    case 'dependency':
      return textMessage(`⚠️ *${SYSTEM_NAME[note.system]}:* ${escape(note.problem)}\n*What I did:* ${escape(note.action)}`);
    case 'held':
      return renderHeldNote(note, context);
    case 'hold_answered':
      return renderHoldAnswered(note);
    case 'unhealthy':
      return textMessage(`🩺 *Unhealthy targets*\n${note.targets.map(describeTarget).join('\n')}\n*What I did:* ${escape(note.action)}`);
    case 'decision':
      return textMessage(describeDecision({ kind: note.decision, by: note.by, reason: note.reason }, `after a soak of ${formatDuration(note.soakedMs)}`));
    case 'extended':
      return textMessage(
        `⏱️ ${mention(note.by)} extended the soak; the minimum now ends at ${slackTime(note.minSoakEndsAt)}${note.reason ? `: ${escape(note.reason)}` : ''}`,
      );
    case 'removed':
      return textMessage(describeRemoved(note));
    case 'failed':
      return textMessage(`❌ *Failed:* ${escape(note.problem)}\n*What I did:* ${escape(note.action)}`);
    case 'text':
      return textMessage(escape(note.text));
    case 'announce':
      return renderAnnouncement(note, context);
    case 'release_started':
    case 'gate':
    case 'closed':
    case 'wave':
    case 'drained':
    case 'question':
    case 'cancelled':
    case 'paused':
    case 'resumed':
    case 'retired':
    case 'jira':
    case 'rollback':
    case 'released':
      return renderReleaseNote(note, context);
  }
}

function describeRemoved(note: Extract<ThreadNote, { type: 'removed' }>): string {
  if (!note.leftRunning) return `🧹 Deregistered and terminated ${plural(note.instanceIds.length, 'instance')}: ${note.instanceIds.map(code).join(', ')}`;
  const { instanceIds, by, reason } = note.leftRunning;
  return `⚠️ Deregistered but left running, as ${mention(by)} chose (${quote(reason)}): ${instanceIds.map(code).join(', ')}. No user reaches ${instanceIds.length === 1 ? 'it' : 'them'}; terminate ${instanceIds.length === 1 ? 'it' : 'them'} yourself.`;
}

function instanceList(instances: Pick<Instance, 'instanceId' | 'privateIp'>[]): string {
  return instances.map((i) => `${code(i.instanceId)}${i.privateIp ? ` ${escape(i.privateIp)}` : ''}`).join(', ');
}

function describeIssue(issue: NewIssue): string {
  const firstSeen = Date.parse(issue.firstSeen);
  const facts = [
    code(issue.shortId),
    issue.level,
    plural(issue.count, 'event'),
    plural(issue.userCount, 'user'),
    Number.isNaN(firstSeen) ? `first seen ${escape(issue.firstSeen)}` : `first seen ${slackTime(firstSeen)}`,
  ];
  const lines = [`${LEVEL_EMOJI[issue.level]} *New issue:* ${link(issue.permalink, truncate(issue.title, 300))}`, facts.join(' · ')];
  if (issue.culprit) lines.push(`_${escape(truncate(issue.culprit, 300))}_`);
  return lines.join('\n');
}

/** "board-http" out of "arn:…:targetgroup/board-http/6d0e…", which is how people name them. */
function targetGroupName(arn: string): string {
  return arn.split('/')[1] ?? arn;
}

function describeTarget(target: TargetHealth): string {
  const why = target.reason ? ` (${escape(target.reason)}${target.description ? `: ${escape(target.description)}` : ''})` : '';
  return `• ${code(target.instanceId)} in ${escape(targetGroupName(target.targetGroupArn))}: ${escape(target.state)}${why}`;
}
