import type { ServiceConfig } from '../../config/catalog.js';
import { checkAccess } from '../access.js';
import { checkWindow } from '../calendar.js';
import type { Directory } from '../ports.js';
import type { ActionKind, ActionRecord } from '../records.js';
import type { StoredDeploy } from '../store-port.js';
import { PAUSABLE, type ReleaseFacts } from './facts.js';

export type ReleaseAction = Extract<ActionKind, 'start' | 'cancel' | 'pause' | 'resume' | 'wait' | 'force' | 'rollback' | 'retry'>;

export type ReleaseActionCheck = { ok: true } | { ok: false; problem: string; valid: string; needsReason?: boolean };

const ROLLBACK_FROM = new Set([...PAUSABLE, 'paused']);

/**
 * A Retry Jira press is recorded before Jira is called, so a second press anywhere is refused
 * while it runs. A press whose bot died before recording the outcome stops counting after this.
 */
export const JIRA_RETRY_CLAIM_MS = 10 * 60_000;

const refuse = (problem: string, valid: string, needsReason?: boolean): ReleaseActionCheck => ({ ok: false, problem, valid, needsReason });
const alreadyPressed = () => refuse('That was already pressed and is being carried out.', 'Watch the thread; nothing more is needed.');

/**
 * Decides whether a release button press may be recorded. Every refusal changes nothing. Rollback
 * is allowed in every running state, whatever the window or gate, as long as there is something
 * to go back to.
 */
export async function checkReleaseAction(input: {
  deploy: StoredDeploy | null;
  service: ServiceConfig | undefined;
  action: ReleaseAction;
  actor: string;
  reason: string | null;
  now: number;
  /** The deploy's pending actions, read with it. */
  pending: readonly ActionRecord[];
  directory: Directory;
}): Promise<ReleaseActionCheck> {
  const { deploy, service, action, now } = input;
  if (!deploy || deploy.kind !== 'release' || !service) return refuse('This button belongs to a release the bot does not know.', 'Use `/release status` to find current releases.');
  const facts = deploy.facts as unknown as ReleaseFacts;
  const access = await checkAccess(service, 'release', input.actor, input.directory);
  if (!access.allowed) return refuse(access.problem, access.valid);
  const hasReason = Boolean(input.reason && input.reason.trim().length >= 3);

  if (action === 'retry') {
    if (input.pending.some((p) => p.action === 'retry' && now - p.at < JIRA_RETRY_CLAIM_MS)) return alreadyPressed();
    if (deploy.outcome !== 'released' || !facts.jira.attempted) return refuse('There is no Jira step to retry on this release.', 'Retry appears on a released release whose Jira step failed.');
    const failed = facts.jira.problem !== null || facts.jira.results.some((r) => r.problem !== null);
    return failed ? { ok: true } : refuse('Every Jira issue of this release is already closed.', 'Nothing to retry.');
  }
  if (deploy.finishedAt !== null) return refuse(`This release has ended (${deploy.outcome}).`, `Start a new one with \`/release ${deploy.service}\`.`);
  if (input.pending.some((p) => p.action === action || p.action === 'rollback' || p.action === 'cancel')) return alreadyPressed();

  switch (action) {
    case 'start': {
      if (deploy.state !== 'planned') return refuse('This release has already started.', 'Watch the thread.');
      const window = checkWindow(service.windows, now);
      if (!window.open && !facts.plan.windowOverride) return refuse(`Outside the deploy window: ${window.reason}.`, 'Start it when the window opens, or plan it again with `--override-window --reason <why>`.');
      return { ok: true };
    }
    case 'cancel':
      return deploy.state === 'planned' ? { ok: true } : refuse('A started release cannot be cancelled.', 'Use Rollback to go back to the old servers.');
    case 'pause':
      if (deploy.hold) return refuse('The release is already stopped, waiting for an answer to a failed step.', 'Answer in the thread: Retry, Skip where offered, or Rollback.');
      return PAUSABLE.has(deploy.state) ? { ok: true } : refuse(`The release is ${deploy.state}; there is nothing to pause.`, 'Pause works while the release is launching, gating, closing, draining or retiring.');
    case 'resume':
    case 'wait':
      return deploy.state === 'paused' ? { ok: true } : refuse('The release is not paused.', 'Watch the thread.');
    case 'force': {
      if (deploy.state !== 'paused' || !facts.pause || (facts.pause.kind !== 'unknown' && facts.pause.kind !== 'stuck')) {
        return refuse('There is no server waiting for a decision.', 'Terminate anyway answers a question about unknown or stuck servers.');
      }
      return hasReason ? { ok: true } : refuse(`Terminating ${facts.pause.instanceIds.join(', ')} without confirmed empty boards needs a reason.`, 'Give a reason (at least 3 characters) in the dialog.', true);
    }
    case 'rollback': {
      if (!ROLLBACK_FROM.has(deploy.state)) {
        return refuse(`The release is ${deploy.state.replace('_', ' ')}; the old servers are gone or being retired.`, facts.plan.fromVersion ? `Release the previous version: \`/release ${deploy.service} ${facts.plan.fromVersion}\`.` : 'Release the previous version.');
      }
      return { ok: true };
    }
  }
}
