import type { App } from '@slack/bolt';
import { checkHoldAnswer } from '../../deploy/hold-actions.js';
import { HOLD_ACTIONS } from '../blocks/hold.js';
import { SKIP_REASON_CALLBACK } from '../blocks/reason-modal.js';
import type { SlackDeps } from '../deps.js';
import { registerDeployButtons } from './deploy-buttons.js';

/** Retry and Skip on a deploy that stopped on a failed step, for pre-releases and releases alike. */
export function registerHoldButtons(app: App, deps: SlackDeps): void {
  registerDeployButtons(app, deps, {
    actions: { [HOLD_ACTIONS.retry]: 'retry_step', [HOLD_ACTIONS.skip]: 'skip_step' },
    recorded: {
      retry_step: 'Retry recorded; the step runs again now.',
      skip_step: 'Skip recorded with your reason; the thread says what was left out.',
    },
    check: (input) => checkHoldAnswer({ ...input, directory: deps.directory }),
    reason: { callbackId: SKIP_REASON_CALLBACK, action: 'skip_step', title: 'Skip this step', submit: 'Skip', question: 'Why is it right to leave this out?' },
  });
}
