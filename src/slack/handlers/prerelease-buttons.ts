import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import { checkPrereleaseAction, type PrereleaseAction } from '../../deploy/prerelease/actions.js';
import { createKeyedMutex } from '../../util/keyed-mutex.js';
import { PRERELEASE_ACTIONS } from '../blocks/prerelease-parent.js';
import { APPROVE_REASON_CALLBACK, REASON_BLOCK, reasonFrom, reasonModal } from '../blocks/reason-modal.js';
import { renderUserError } from '../blocks/user-error.js';
import type { SlackDeps } from '../deps.js';
import { ackTimer } from './ack-timer.js';
import { answer } from './reply.js';

const ACTION_BY_ID: Record<string, PrereleaseAction> = {
  [PRERELEASE_ACTIONS.approve]: 'approve',
  [PRERELEASE_ACTIONS.reject]: 'reject',
  [PRERELEASE_ACTIONS.extend]: 'extend',
};

const DEPLOY_ID = /^[a-z]{2}-[a-z0-9]{4,40}$/;

const RECORDED: Record<PrereleaseAction, string> = {
  approve: 'Approval recorded; the thread will confirm it.',
  reject: 'Rejection recorded; the canary is being removed.',
  extend: 'Soak extended; the thread says until when.',
};

export function registerPrereleaseButtons(app: App, deps: SlackDeps): void {
  // A double click or a retried request is checked against what the first one recorded.
  const perDeploy = createKeyedMutex();

  async function record(deployId: string, action: PrereleaseAction, actor: string, reason: string | null) {
    return perDeploy(deployId, async () => {
      const deploy = DEPLOY_ID.test(deployId) ? await deps.store.getDeploy(deployId) : null;
      const service = deploy ? deps.services[deploy.service] : undefined;
      const check = await checkPrereleaseAction({ deploy, service, action, actor, reason, now: deps.clock.now(), store: deps.store, directory: deps.directory });
      if (!check.ok) return check;
      await deps.store.addAction({ deployId, action, actor, reason, at: deps.clock.now() });
      deps.onChange();
      return check;
    });
  }

  const say = (respond: RespondFn, text: string, blocks?: unknown[]) => answer(respond, { text, blocks });

  app.action<BlockButtonAction>(new RegExp(`^(${Object.keys(ACTION_BY_ID).join('|')})$`), async ({ ack, body, action, respond, client }) => {
    const timer = ackTimer(deps.metrics, 'action');
    await ack();
    timer.done();
    const kind = ACTION_BY_ID[action.action_id];
    const deployId = String(action.value ?? '');
    try {
      const result = await record(deployId, kind, body.user.id, null);
      if (result.ok) return say(respond, RECORDED[kind]);
      if (result.needsReason && body.trigger_id) {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: reasonModal({ callbackId: APPROVE_REASON_CALLBACK, deployId, title: 'Approve with a reason', submit: 'Approve', problem: result.problem, question: 'Why approve now?' }),
        });
        return;
      }
      const error = renderUserError(result.problem, result.valid);
      return say(respond, error.text, error.blocks);
    } catch (error) {
      deps.logger.error({ err: error, action: action.action_id, deployId }, 'button could not be handled');
      const message = renderUserError(`Your click could not be recorded: ${(error as Error).message}`, 'Nothing changed. Try again in a moment.');
      return say(respond, message.text, message.blocks);
    }
  });

  app.view(APPROVE_REASON_CALLBACK, async ({ ack, body, view }) => {
    const timer = ackTimer(deps.metrics, 'view');
    const deployId = view.private_metadata;
    const result = await record(deployId, 'approve', body.user.id, reasonFrom(view)).catch((error: Error) => ({
      ok: false as const,
      problem: `Your approval could not be recorded: ${error.message}`,
      valid: 'Nothing changed. Try again in a moment.',
    }));
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: `${result.problem} ${result.valid}`.slice(0, 150) } });
      timer.done();
      return;
    }
    await ack();
    timer.done();
  });
}
