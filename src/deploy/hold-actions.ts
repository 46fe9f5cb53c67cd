import type { ServiceConfig } from '../config/catalog.js';
import { checkAccess, checkAnyAccess } from './access.js';
import type { Directory } from './ports.js';
import type { ActionKind, ActionRecord } from './records.js';
import { HOLD_ANSWERS } from './runner.js';
import type { StoredDeploy } from './store-port.js';

export type HoldAnswer = Extract<ActionKind, 'retry_step' | 'skip_step'>;

export type HoldAnswerCheck = { ok: true } | { ok: false; problem: string; valid: string; needsReason?: boolean };

const refuse = (problem: string, valid: string, needsReason?: boolean): HoldAnswerCheck => ({ ok: false, problem, valid, needsReason });

/**
 * Decides whether Retry or Skip on a stopped deploy may be recorded. A release's answers need a
 * releaser; a pre-release's Retry a deployer or approver, and its Skip (which leaves a canary
 * running) an approver. Skip is accepted only where the hold offers it, and only with a reason.
 */
export async function checkHoldAnswer(input: {
  deploy: StoredDeploy | null;
  service: ServiceConfig | undefined;
  action: HoldAnswer;
  actor: string;
  reason: string | null;
  /** The deploy's pending actions, read with it. */
  pending: readonly ActionRecord[];
  directory: Directory;
}): Promise<HoldAnswerCheck> {
  const { deploy, service, action, actor } = input;
  if (!deploy || !service) return refuse('This button belongs to a deploy the bot does not know.', 'Use `/release status` or `/prerelease list` to find current deploys.');
  if (deploy.finishedAt !== null) return refuse(`This deploy has ended (${deploy.outcome}).`, 'Nothing to retry or skip.');
  const hold = deploy.hold;
  if (!hold || hold.skipped) return refuse('This deploy is not stopped on a failure.', 'Retry and Skip answer a stopped step; watch the thread.');
  const access =
    deploy.kind === 'release'
      ? await checkAccess(service, 'release', actor, input.directory)
      : action === 'skip_step'
        ? await checkAccess(service, 'approve', actor, input.directory)
        : await checkAnyAccess(service, ['deploy', 'approve'], 'retry a step of', actor, input.directory);
  if (!access.allowed) return refuse(access.problem, access.valid);
  if (input.pending.some((p) => HOLD_ANSWERS.has(p.action))) return refuse('Someone already answered; the answer is being carried out.', 'Watch the thread; nothing more is needed.');
  if (action === 'skip_step') {
    if (!hold.skip) return refuse(`Skipping the ${hold.state.replace('_', ' ')} step is not safe: it would leave users or servers in a state nobody chose.`, 'Fix the cause and press Retry, or roll back.');
    if (!input.reason || input.reason.trim().length < 3) return refuse(`Skipping: ${hold.skip}`, 'Give a reason (at least 3 characters) in the dialog.', true);
  }
  return { ok: true };
}
