import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { ServiceConfig } from '../../config/catalog.js';
import type { ActionKind, ActionRecord } from '../../deploy/records.js';
import { StaleWriteError, type StoredDeploy } from '../../deploy/store-port.js';
import { reasonFrom, REASON_BLOCK, REASON_MAX_LENGTH, reasonModal } from '../blocks/reason-modal.js';
import { renderUserError } from '../blocks/user-error.js';
import type { SlackDeps } from '../deps.js';
import { ackTimer } from './ack-timer.js';
import { answer } from './reply.js';

export type ButtonCheck = { ok: true } | { ok: false; problem: string; valid: string; needsReason?: boolean };

export interface DeployButtons<A extends ActionKind> {
  /** action_id → the action it records. */
  actions: Record<string, A>;
  /** What the clicker is told once the action is recorded. */
  recorded: Record<A, string>;
  check(input: { deploy: StoredDeploy | null; service: ServiceConfig | undefined; action: A; actor: string; reason: string | null; pending: readonly ActionRecord[] }): Promise<ButtonCheck>;
  /** Carries out an action here, once it is recorded (the record keeps a second click out); by default the runner does. */
  afterRecord?(deploy: StoredDeploy, service: ServiceConfig, action: A, actor: string): Promise<void>;
  /** The dialog that asks for a reason when the check says one is needed. */
  reason: { callbackId: string; action: A; title: string; submit: string; question: string };
}

const DEPLOY_ID = /^[a-z]{2}-[a-z0-9]{4,40}$/;
/** Reads of a click that keeps losing to other writers before it is refused; each retry is a few ms. */
const MAX_ATTEMPTS = 5;

/**
 * Buttons on a deploy's messages: ack first, check, then record. The record is refused if the
 * deploy or its pending actions changed since the check read them, whichever bot process wrote
 * the change; the click is then checked again. So a double click, a request retried by Slack or
 * a second person's click in another process is checked after the first one was recorded, and
 * changes nothing.
 */
export function registerDeployButtons<A extends ActionKind>(app: App, deps: SlackDeps, buttons: DeployButtons<A>): void {
  async function record(deployId: string, action: A, actor: string, reason: string | null): Promise<ButtonCheck> {
    for (let attempt = 1; ; attempt++) {
      const deploy = DEPLOY_ID.test(deployId) ? await deps.store.getDeploy(deployId) : null;
      const pending = deploy ? await deps.store.pendingActions(deploy.id) : [];
      const service = deploy ? deps.services[deploy.service] : undefined;
      const check = await buttons.check({ deploy, service, action, actor, reason, pending });
      if (!check.ok || !deploy || !service) return check;
      const seen = { revision: deploy.revision, pendingActionIds: pending.map((p) => p.id) };
      try {
        await deps.store.addAction({ deployId, action, actor, reason, at: deps.clock.now() }, seen);
      } catch (error) {
        if (error instanceof StaleWriteError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      await buttons.afterRecord?.(deploy, service, action, actor);
      deps.onChange();
      return check;
    }
  }

  const refuse = (respond: RespondFn, problem: string, valid: string) => answer(respond, renderUserError(problem, valid));

  app.action<BlockButtonAction>(new RegExp(`^(${Object.keys(buttons.actions).join('|')})$`), async ({ ack, body, action, respond, client }) => {
    const timer = ackTimer(deps.metrics, 'action');
    await ack();
    timer.done();
    const kind = buttons.actions[action.action_id];
    const deployId = String(action.value ?? '');
    try {
      const result = await record(deployId, kind, body.user.id, null);
      if (result.ok) return answer(respond, { text: buttons.recorded[kind] });
      if (result.needsReason && body.trigger_id) {
        const { callbackId, title, submit, question } = buttons.reason;
        await client.views.open({ trigger_id: body.trigger_id, view: reasonModal({ callbackId, deployId, title, submit, question, problem: result.problem }) });
        return;
      }
      return refuse(respond, result.problem, result.valid);
    } catch (error) {
      deps.logger.error({ err: error, action: action.action_id, deployId }, 'button could not be handled');
      return refuse(respond, `Your click could not be recorded: ${(error as Error).message}`, 'Nothing changed. Try again in a moment.');
    }
  });

  app.view(buttons.reason.callbackId, async ({ ack, body, view }) => {
    const timer = ackTimer(deps.metrics, 'view');
    const reason = reasonFrom(view);
    if (reason !== null && reason.length > REASON_MAX_LENGTH) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: `A reason has at most ${REASON_MAX_LENGTH} characters; this one has ${reason.length}. Nothing was recorded.` } });
      return timer.done();
    }
    const result = await record(view.private_metadata, buttons.reason.action, body.user.id, reason).catch(
      (error: Error): ButtonCheck => ({ ok: false, problem: `Your decision could not be recorded: ${error.message}`, valid: 'Nothing changed. Try again in a moment.' }),
    );
    await ack(result.ok ? undefined : { response_action: 'errors', errors: { [REASON_BLOCK]: `${result.problem} ${result.valid}`.slice(0, 150) } });
    timer.done();
  });
}
