import type { App } from '@slack/bolt';
import { checkPrereleaseAction } from '../../deploy/prerelease/actions.js';
import { PRERELEASE_ACTIONS } from '../blocks/prerelease-actions.js';
import { APPROVE_REASON_CALLBACK } from '../blocks/reason-modal.js';
import type { SlackDeps } from '../deps.js';
import { registerDeployButtons } from './deploy-buttons.js';

export function registerPrereleaseButtons(app: App, deps: SlackDeps): void {
  registerDeployButtons(app, deps, {
    actions: { [PRERELEASE_ACTIONS.approve]: 'approve', [PRERELEASE_ACTIONS.reject]: 'reject', [PRERELEASE_ACTIONS.extend]: 'extend' },
    recorded: {
      approve: 'Approval recorded; the thread will confirm it.',
      reject: 'Rejection recorded; the canary is being removed.',
      extend: 'Soak extended; the thread says until when.',
    },
    check: (input) => checkPrereleaseAction({ ...input, now: deps.clock.now(), directory: deps.directory }),
    reason: { callbackId: APPROVE_REASON_CALLBACK, action: 'approve', title: 'Approve with a reason', submit: 'Approve', question: 'Why approve now?' },
  });
}
