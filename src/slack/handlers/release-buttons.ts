import type { App } from '@slack/bolt';
import { checkReleaseAction } from '../../deploy/release/actions.js';
import { retryJira } from '../../deploy/release/jira-retry.js';
import { FORCE_REASON_CALLBACK } from '../blocks/reason-modal.js';
import { RELEASE_ACTIONS } from '../blocks/release-actions.js';
import type { SlackDeps } from '../deps.js';
import { registerDeployButtons } from './deploy-buttons.js';

export function registerReleaseButtons(app: App, deps: SlackDeps): void {
  registerDeployButtons(app, deps, {
    actions: {
      [RELEASE_ACTIONS.start]: 'start',
      [RELEASE_ACTIONS.cancel]: 'cancel',
      [RELEASE_ACTIONS.pause]: 'pause',
      [RELEASE_ACTIONS.resume]: 'resume',
      [RELEASE_ACTIONS.wait]: 'wait',
      [RELEASE_ACTIONS.force]: 'force',
      [RELEASE_ACTIONS.rollback]: 'rollback',
      [RELEASE_ACTIONS.jiraRetry]: 'retry',
    },
    recorded: {
      start: 'Release started; follow it in the thread.',
      cancel: 'Release cancelled; nothing was changed.',
      pause: 'Pause recorded; the release stops after the step in progress.',
      resume: 'Resume recorded.',
      wait: 'Waiting longer; nothing is terminated meanwhile.',
      force: 'Recorded; the servers will be retired, and your reason is in the thread.',
      rollback: 'Rollback recorded; users are being moved back.',
      retry: 'Jira retried; the thread has the outcome.',
    },
    check: (input) => checkReleaseAction({ ...input, now: deps.clock.now(), directory: deps.directory }),
    // The release itself is over when Jira is retried, so the retry runs here rather than in the runner.
    afterRecord: async (deploy, service, action, actor) => {
      if (action === 'retry') await retryJira({ store: deps.store, tickets: deps.tickets, now: deps.clock.now }, deploy, service, actor);
    },
    reason: { callbackId: FORCE_REASON_CALLBACK, action: 'force', title: 'Terminate anyway', submit: 'Terminate', question: 'Why is it safe to terminate these servers?' },
  });
}
