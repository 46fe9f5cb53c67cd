import type { types } from '@slack/bolt';

type View = types.View;

export const APPROVE_REASON_CALLBACK = 'prerelease_approve_reason';
export const FORCE_REASON_CALLBACK = 'release_force_reason';
export const SKIP_REASON_CALLBACK = 'deploy_skip_reason';
export const REASON_BLOCK = 'reason';
export const REASON_ACTION = 'reason_input';
/** Slack enforces it in the dialog; the handler enforces it again, since a payload can be forged. */
export const REASON_MAX_LENGTH = 500;

/** Decisions that override a safety check ask why; the answer goes into the audit trail and the thread. */
export function reasonModal(options: { callbackId: string; deployId: string; title: string; submit: string; problem: string; question: string }): View {
  return {
    type: 'modal',
    callback_id: options.callbackId,
    private_metadata: options.deployId,
    title: { type: 'plain_text', text: options.title.slice(0, 24) },
    submit: { type: 'plain_text', text: options.submit.slice(0, 24) },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${options.problem.slice(0, 2500)}\nYour reason is recorded in the audit trail and posted in the thread.` } },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: { type: 'plain_text', text: options.question.slice(0, 2000) },
        element: { type: 'plain_text_input', action_id: REASON_ACTION, multiline: true, min_length: 3, max_length: REASON_MAX_LENGTH },
      },
    ],
  };
}

/** The reason typed into a reason modal, trimmed; null when empty. */
export function reasonFrom(view: { state: { values: Record<string, Record<string, { value?: string | null }>> } }): string | null {
  return view.state.values[REASON_BLOCK]?.[REASON_ACTION]?.value?.trim() || null;
}
