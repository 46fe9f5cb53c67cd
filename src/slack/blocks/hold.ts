import type { ActionsBlock, Button, KnownBlock } from '@slack/web-api';
import { formatDuration } from '../../config/duration.js';
import type { DeployKind, StepHold, ThreadNote } from '../../deploy/records.js';
import { button, confirm, section, textMessage, type SlackMessage } from './build.js';
import { code, escape, mention, plural, quote } from './mrkdwn.js';
import { PRERELEASE_ACTIONS } from './prerelease-actions.js';
import { RELEASE_ACTIONS } from './release-actions.js';
import { SYSTEM_NAME } from './system-name.js';

/** Action IDs of the answers to a stopped step; each button's `value` is the deploy id. */
export const HOLD_ACTIONS = {
  retry: 'deploy_retry_step',
  skip: 'deploy_skip_step',
} as const;

interface HeldDeploy {
  id: string;
  kind: DeployKind;
  service: string;
  version: string;
}

/** What stopped the deploy, why the bot does not retry by itself, and how to fix it. */
export function describeHold(hold: StepHold): string {
  const what = `⛔ *Stopped at ${escape(hold.state.replace('_', ' '))}:* ${SYSTEM_NAME[hold.system]} — ${quote(hold.problem)}`;
  const why =
    hold.kind === 'permanent'
      ? `*Why I stopped:* no retry can fix this${hold.code ? ` (${code(hold.code)})` : ''}. Nothing more is tried until someone answers.`
      : `*Why I stopped:* it kept failing for ${formatDuration(hold.at - hold.since)} (${plural(hold.attempts, 'attempt')}). Nothing more is tried until someone answers.`;
  const lines = [what, why];
  if (hold.fix) lines.push(`*To fix:* ${escape(hold.fix)}`);
  const choices = [`*Retry* runs the ${escape(hold.state.replace('_', ' '))} step again, once the cause is fixed.`];
  if (hold.skip) choices.push(`*Skip* (with a reason): ${escape(hold.skip)}`);
  if (hold.rollback) choices.push(`*Rollback*: ${escape(hold.rollback)}`);
  lines.push(choices.join(' '));
  return lines.join('\n');
}

/** Retry, Skip where it is safe, and the workflow's own Rollback (a pre-release's Reject). */
export function holdButtons(deploy: HeldDeploy, hold: StepHold): ActionsBlock {
  const name = `${deploy.service} ${deploy.version}`;
  const elements: Button[] = [button(HOLD_ACTIONS.retry, 'Retry', deploy.id, { style: 'primary' })];
  if (hold.skip) {
    elements.push(button(HOLD_ACTIONS.skip, 'Skip…', deploy.id, { confirm: confirm(`Skip this step of ${name}?`, `${hold.skip} You will be asked for a reason.`, 'Skip', 'danger') }));
  }
  if (hold.rollback) {
    const actionId = deploy.kind === 'release' ? RELEASE_ACTIONS.rollback : PRERELEASE_ACTIONS.reject;
    const label = deploy.kind === 'release' ? 'Rollback' : 'Remove canary';
    elements.push(button(actionId, label, deploy.id, { style: 'danger', confirm: confirm(`${label}: ${name}?`, hold.rollback, label, 'danger') }));
  }
  return { type: 'actions', block_id: 'deploy_hold', elements };
}

/** The question in the thread, and the same question on the parent message until it is answered. */
export function holdBlocks(deploy: HeldDeploy, hold: StepHold): KnownBlock[] {
  return [section(describeHold(hold)), holdButtons(deploy, hold)];
}

export function renderHeldNote(note: Extract<ThreadNote, { type: 'held' }>, deploy: HeldDeploy): SlackMessage {
  return { text: `Stopped at ${note.hold.state.replace('_', ' ')}: ${note.hold.problem}`.slice(0, 300), blocks: holdBlocks(deploy, note.hold) };
}

export function renderHoldAnswered(note: Extract<ThreadNote, { type: 'hold_answered' }>): SlackMessage {
  const step = escape(note.state.replace('_', ' '));
  return textMessage(
    note.answer === 'retry'
      ? `🔁 ${mention(note.by)} asked to retry the ${step} step${note.reason ? `: ${quote(note.reason)}` : ''}`
      : `⏭️ ${mention(note.by)} skipped the failing call of the ${step} step: ${quote(note.reason ?? '')}`,
  );
}
