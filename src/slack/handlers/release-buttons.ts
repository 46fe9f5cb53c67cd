import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import { checkReleaseAction, type ReleaseAction } from '../../deploy/release/actions.js';
import { retryJira } from '../../deploy/release/jira-retry.js';
import { createKeyedMutex } from '../../util/keyed-mutex.js';
import { FORCE_REASON_CALLBACK, reasonFrom, REASON_BLOCK, reasonModal } from '../blocks/reason-modal.js';
import { RELEASE_ACTIONS } from '../blocks/release-actions.js';
import { renderUserError } from '../blocks/user-error.js';
import type { SlackDeps } from '../deps.js';
import { ackTimer } from './ack-timer.js';
import { answer } from './reply.js';

const ACTION_BY_ID: Record<string, ReleaseAction> = {
  [RELEASE_ACTIONS.start]: 'start',
  [RELEASE_ACTIONS.cancel]: 'cancel',
  [RELEASE_ACTIONS.pause]: 'pause',
  [RELEASE_ACTIONS.resume]: 'resume',
  [RELEASE_ACTIONS.wait]: 'wait',
  [RELEASE_ACTIONS.force]: 'force',
  [RELEASE_ACTIONS.rollback]: 'rollback',
  [RELEASE_ACTIONS.jiraRetry]: 'retry',
};

const DEPLOY_ID = /^[a-z]{2}-[a-z0-9]{4,40}$/;

const RECORDED: Record<ReleaseAction, string> = {
  start: 'Release started; follow it in the thread.',
  cancel: 'Release cancelled; nothing was changed.',
  pause: 'Pause recorded; the release stops after the step in progress.',
  resume: 'Resume recorded.',
  wait: 'Waiting longer; nothing is terminated meanwhile.',
  force: 'Recorded; the servers will be retired, and your reason is in the thread.',
  rollback: 'Rollback recorded; users are being moved back.',
  retry: 'Jira retried; the thread has the outcome.',
};

export function registerReleaseButtons(app: App, deps: SlackDeps): void {
  // Two people pressing Start at the same moment: the second is checked after the first is recorded.
  const perDeploy = createKeyedMutex();

  async function record(deployId: string, action: ReleaseAction, actor: string, reason: string | null) {
    return perDeploy(deployId, async () => {
      const deploy = DEPLOY_ID.test(deployId) ? await deps.store.getDeploy(deployId) : null;
      const service = deploy ? deps.services[deploy.service] : undefined;
      const check = await checkReleaseAction({ deploy, service, action, actor, reason, now: deps.clock.now(), store: deps.store, directory: deps.directory });
      if (!check.ok) return check;
      if (action === 'retry' && deploy && service) {
        await retryJira({ store: deps.store, tickets: deps.tickets, now: deps.clock.now }, deploy, service, actor);
      } else {
        await deps.store.addAction({ deployId, action, actor, reason, at: deps.clock.now() });
      }
      deps.onChange();
      return check;
    });
  }

  const fail = (respond: RespondFn, problem: string, valid: string) => answer(respond, renderUserError(problem, valid));

  app.action<BlockButtonAction>(new RegExp(`^(${Object.keys(ACTION_BY_ID).join('|')})$`), async ({ ack, body, action, respond, client }) => {
    const timer = ackTimer(deps.metrics, 'action');
    await ack();
    timer.done();
    const kind = ACTION_BY_ID[action.action_id];
    const deployId = String(action.value ?? '');
    try {
      const result = await record(deployId, kind, body.user.id, null);
      if (result.ok) return answer(respond, { text: RECORDED[kind] });
      if (result.needsReason && body.trigger_id) {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: reasonModal({ callbackId: FORCE_REASON_CALLBACK, deployId, title: 'Terminate anyway', submit: 'Terminate', problem: result.problem, question: 'Why is it safe to terminate these servers?' }),
        });
        return;
      }
      return fail(respond, result.problem, result.valid);
    } catch (error) {
      deps.logger.error({ err: error, action: action.action_id, deployId }, 'release button could not be handled');
      return fail(respond, `Your click could not be recorded: ${(error as Error).message}`, 'Nothing changed. Try again in a moment.');
    }
  });

  app.view(FORCE_REASON_CALLBACK, async ({ ack, body, view }) => {
    const timer = ackTimer(deps.metrics, 'view');
    const result = await record(view.private_metadata, 'force', body.user.id, reasonFrom(view)).catch((error: Error) => ({
      ok: false as const,
      problem: `Your decision could not be recorded: ${error.message}`,
      valid: 'Nothing changed. Try again in a moment.',
    }));
    await ack(result.ok ? undefined : { response_action: 'errors', errors: { [REASON_BLOCK]: `${result.problem} ${result.valid}`.slice(0, 150) } });
    timer.done();
  });
}
