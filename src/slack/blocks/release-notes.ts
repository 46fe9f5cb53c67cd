import type { ActionsBlock, KnownBlock } from '@slack/web-api';
import { formatDuration } from '../../config/duration.js';
import type { TicketResult } from '../../deploy/ports.js';
import type { ThreadNote } from '../../deploy/records.js';
import { LIMITS } from '../limits.js';
import { button, confirm, context, packLines, section, textMessage, type SlackMessage } from './build.js';
import { code, escape, formatCount, mention, plural, quote, slackTime } from './mrkdwn.js';
import { RELEASE_ACTIONS } from './release-actions.js';
import { boardCount, QUESTION_TITLE } from './release-status.js';
import type { ThreadNoteContext } from './thread-note.js';

export type ReleaseNote = Extract<
  ThreadNote,
  { type: 'release_started' | 'gate' | 'closed' | 'wave' | 'drained' | 'question' | 'cancelled' | 'paused' | 'resumed' | 'retired' | 'jira' | 'rollback' | 'released' }
>;

type QuestionNote = Extract<ThreadNote, { type: 'question' }>;
type JiraNote = Extract<ThreadNote, { type: 'jira' }>;

/** Servers named in a confirmation dialog before the rest are counted (the dialog holds 300 characters). */
const CONFIRM_NAMED = 3;

/** The release's story in its thread, one message per note. */
export function renderReleaseNote(note: ReleaseNote, deploy: ThreadNoteContext): SlackMessage {
  switch (note.type) {
    case 'release_started':
      return textMessage(describeStart(note, deploy));
    case 'gate':
      return textMessage(
        note.passed
          ? `🚦 *Gate passed:* the ${plural(note.newServers, 'new server')} took ${boardCount(note.boards)} in ${formatDuration(note.afterMs)} (${formatCount(note.minBoards)} needed)`
          : `🚦 *Gate failed:* the ${plural(note.newServers, 'new server')} took ${boardCount(note.boards)} in ${formatDuration(note.afterMs)}; ${formatCount(note.minBoards)} needed`,
      );
    case 'closed':
      return textMessage(
        `🚪 Closed ${plural(note.instanceIds.length, 'server')} to new users (deregistered; live sessions stay): ${idList(note.instanceIds)}` +
          (note.delayWarning ? `\n⚠️ ${quote(note.delayWarning)}` : ''),
      );
    case 'wave': {
      const projected = note.projectedPerNewServer === null ? '' : `\nProjected ${formatCount(note.projectedPerNewServer)} boards per new server (capacity ${formatCount(note.capacity)})`;
      return textMessage(`🌊 *Wave ${note.wave}:* draining ${plural(note.instanceIds.length, 'server')} with ${boardCount(note.boards)}: ${idList(note.instanceIds)}${projected}`);
    }
    case 'drained':
      return textMessage(note.forced ? `⚠️ Retiring without a confirmed drain (Terminate anyway): ${idList(note.instanceIds)}` : `✅ Drained: ${idList(note.instanceIds)}`);
    case 'question':
      return renderQuestion(note, deploy);
    case 'cancelled':
      return textMessage(`🛑 ${mention(note.by)} cancelled the release; nothing was changed.`);
    case 'paused':
      return textMessage(`⏸️ ${mention(note.by)} paused the release${note.reason ? `: ${quote(note.reason)}` : ''}`);
    case 'resumed':
      return textMessage(`▶️ ${mention(note.by)} resumed the release${note.reason ? `: ${quote(note.reason)}` : ''}`);
    case 'retired':
      return textMessage(describeRetired(note));
    case 'jira':
      return renderJira(note, deploy);
    case 'rollback':
      return textMessage(
        `↩️ *Rolling back*, asked by ${mention(note.by)} while ${escape(note.from.replace('_', ' '))}${note.reason ? `: ${quote(note.reason)}` : ''}\n` +
          (note.oldWarm
            ? 'The old servers are registered again and users move back to them; then the new servers are terminated.'
            : 'The old servers never stopped serving; the new servers are removed.'),
      );
    case 'released':
      return textMessage(
        `✅ *Released ${escape(deploy.service)} ${escape(note.version)}* in ${formatDuration(note.durationMs)}: ${plural(note.waves, 'wave')}, ${boardCount(note.boardsMoved)} moved`,
      );
  }
}

function describeStart(note: Extract<ThreadNote, { type: 'release_started' }>, deploy: ThreadNoteContext): string {
  const adopting = note.adopted.length > 0 ? `, adopting ${plural(note.adopted.length, 'canary', 'canaries')} ${idList(note.adopted)}` : '';
  const lines = [
    `🚀 ${mention(note.by)} started the release of *${escape(deploy.service)} ${escape(deploy.version)}*: ${plural(note.fleetSize, 'server')}, launching ${note.launching}${adopting}`,
  ];
  if (note.overrideReason) lines.push(`⚠️ No approved pre-release; the reason given: ${quote(note.overrideReason)}`);
  if (note.windowOverride) lines.push(`⚠️ Outside the deploy window, allowed by ${mention(note.windowOverride.by)}: ${quote(note.windowOverride.reason)}`);
  return lines.join('\n');
}

function describeRetired(note: Extract<ThreadNote, { type: 'retired' }>): string {
  const lines = [];
  if (note.terminated.length > 0) lines.push(`🧹 Terminated ${plural(note.terminated.length, 'old server')}: ${idList(note.terminated)}`);
  if (note.leftRunning) {
    const { instanceIds, by, reason } = note.leftRunning;
    lines.push(`⚠️ Left running, drained and deregistered, as ${mention(by)} chose (${quote(reason)}): ${idList(instanceIds)}. No user reaches them; terminate them yourself.`);
  }
  if (note.warmUntil !== null) lines.push(`🔥 Old servers kept warm (deregistered) until ${slackTime(note.warmUntil)}: Rollback until then moves users back in minutes`);
  return lines.length > 0 ? lines.join('\n') : '🧹 No old servers left to terminate';
}

/** Wait, or Terminate anyway; a drop names no server, so there is nothing to terminate. */
function renderQuestion(note: QuestionNote, deploy: ThreadNoteContext): SlackMessage {
  const canForce = note.kind !== 'drop' && note.instanceIds.length > 0;
  const servers = note.instanceIds.length > 0 ? `\n${idList(note.instanceIds)}` : '';
  const choice = canForce
    ? '*Wait* keeps these servers and asks again later; *Terminate anyway* retires them without a confirmed drain.'
    : '*Wait* carries on with the new total as the baseline; Rollback is on the release message.';
  const text = `${QUESTION_TITLE[note.kind]}: ${quote(note.reason)}${servers}\nThe release is paused. ${choice}`;
  const elements = [button(RELEASE_ACTIONS.wait, 'Wait', deploy.id)];
  if (canForce) {
    const named = note.instanceIds.slice(0, CONFIRM_NAMED).join(', ');
    const more = note.instanceIds.length > CONFIRM_NAMED ? ` and ${note.instanceIds.length - CONFIRM_NAMED} more` : '';
    const its = note.instanceIds.length === 1 ? 'its' : 'their';
    const question = `Terminate ${named}${more} although ${its} boards could not be confirmed drained? You will be asked for a reason.`;
    elements.push(button(RELEASE_ACTIONS.force, 'Terminate anyway', deploy.id, { style: 'danger', confirm: confirm('Terminate anyway?', question, 'Terminate', 'danger') }));
  }
  const actions: ActionsBlock = { type: 'actions', block_id: 'release_question', elements };
  return { text: `${QUESTION_TITLE[note.kind].replace(/\*/g, '')}: the release is paused`, blocks: [section(text), actions] };
}

/** What Jira did with each key; a Retry button when anything failed. */
function renderJira(note: JiraNote, deploy: ThreadNoteContext): SlackMessage {
  const failed = note.results.filter((r) => r.problem !== null).length;
  const done = note.results.filter((r) => r.transitioned).length;
  const summary = [`🎫 *Jira:* ${done}/${plural(note.results.length, 'issue')} moved to done`];
  if (note.fixVersion) summary.push(`fix version *${escape(note.fixVersion)}* released`);
  if (failed > 0) summary.push(`⚠️ ${failed} failed`);
  const head = [summary.join(' · '), ...(note.problem ? [`⚠️ ${quote(note.problem)}`] : [])].join('\n');
  const retry = failed > 0 || note.problem !== null;
  const { sections, fitted } = packLines(note.results.map(describeTicket), {
    blocks: LIMITS.blocksPerMessage - 4,
    chars: LIMITS.messageBlocksText - head.length - 300,
  });
  const blocks: KnownBlock[] = [section(head), ...sections];
  if (fitted < note.results.length) blocks.push(context(`… and ${plural(note.results.length - fitted, 'more issue')}`));
  if (retry) blocks.push({ type: 'actions', block_id: 'release_jira', elements: [button(RELEASE_ACTIONS.jiraRetry, 'Retry Jira', deploy.id)] });
  return { text: `Jira: ${done}/${plural(note.results.length, 'issue')} moved to done${failed > 0 ? `, ${failed} failed` : ''}`, blocks };
}

function describeTicket(result: TicketResult): string {
  const did = [result.transitioned ? 'done' : 'not moved', ...(result.commented ? ['commented'] : [])].join(', ');
  return `• ${result.problem ? '⚠️' : '✅'} ${escape(result.key)}: ${did}${result.problem ? ` — ${quote(result.problem)}` : ''}`;
}

function idList(ids: string[]): string {
  return ids.map(code).join(', ');
}
