import type { types } from '@slack/bolt';

type View = types.View;

export const APPROVE_REASON_CALLBACK = 'prerelease_approve_reason';
export const REASON_BLOCK = 'reason';
export const REASON_ACTION = 'reason_input';

/** Early approval asks why, and the answer goes into the audit trail. */
export function approveReasonModal(deployId: string, problem: string): View {
  return {
    type: 'modal',
    callback_id: APPROVE_REASON_CALLBACK,
    private_metadata: deployId,
    title: { type: 'plain_text', text: 'Approve with a reason' },
    submit: { type: 'plain_text', text: 'Approve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${problem.slice(0, 2500)}\nYour reason is recorded in the audit trail and posted in the thread.` } },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: { type: 'plain_text', text: 'Why approve now?' },
        element: { type: 'plain_text_input', action_id: REASON_ACTION, multiline: true, min_length: 3, max_length: 500 },
      },
    ],
  };
}
