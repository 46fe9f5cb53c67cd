import type { ServiceConfig } from '../../config/catalog.js';
import { formatDuration } from '../../config/duration.js';
import { checkAccess, checkAnyAccess } from '../access.js';
import type { Directory } from '../ports.js';
import type { ActionKind, ActionRecord } from '../records.js';
import { minSoakEndsAt } from '../soak.js';
import type { StoredDeploy } from '../store-port.js';
import type { PrereleaseFacts } from './facts.js';

export type PrereleaseAction = Extract<ActionKind, 'approve' | 'reject' | 'extend'>;

/** needsReason: the action is allowed once the user gives a reason. */
export type ActionCheck = { ok: true } | { ok: false; problem: string; valid: string; needsReason?: boolean };

/** States a pre-release can still be rejected in: its canary is not being removed yet. */
export const REJECTABLE: ReadonlySet<string> = new Set(['requested', 'launching', 'registering', 'in_service', 'soaking']);

/**
 * Decides whether a button press may be recorded. Runs before anything is written, so a refused
 * press changes nothing; the runner re-checks the state when it consumes the action.
 */
export async function checkPrereleaseAction(input: {
  deploy: StoredDeploy | null;
  service: ServiceConfig | undefined;
  action: PrereleaseAction;
  actor: string;
  reason: string | null;
  now: number;
  /** The deploy's pending actions, read with it. */
  pending: readonly ActionRecord[];
  directory: Directory;
}): Promise<ActionCheck> {
  const { deploy, service, action, actor, now } = input;
  if (!deploy || deploy.kind !== 'prerelease' || !service) {
    return { ok: false, problem: 'This button belongs to a pre-release the bot does not know.', valid: 'Use the buttons on a current pre-release, or `/prerelease list`.' };
  }
  const facts = deploy.facts as unknown as PrereleaseFacts;
  if (deploy.finishedAt !== null) {
    return { ok: false, problem: `This pre-release has ended (${deploy.outcome}).`, valid: `Start a new one with \`/prerelease ${deploy.service} <version>\`.` };
  }
  if (input.pending.some((p) => p.action === action || (action !== 'extend' && (p.action === 'approve' || p.action === 'reject')))) {
    return { ok: false, problem: `A decision on this pre-release is already being carried out.`, valid: 'Watch the thread; nothing more is needed.' };
  }
  if (action === 'reject') {
    if (!REJECTABLE.has(deploy.state)) return { ok: false, problem: `The pre-release is ${deploy.state.replace('_', ' ')}; it can no longer be rejected.`, valid: 'Watch the thread.' };
    const access = await checkAccess(service, 'approve', actor, input.directory);
    return access.allowed ? { ok: true } : { ok: false, problem: access.problem, valid: access.valid };
  }
  if (deploy.state !== 'soaking') {
    return { ok: false, problem: `The canary is not soaking yet (it is ${deploy.state.replace('_', ' ')}).`, valid: 'Approve or extend once the thread says the canary is in service.' };
  }
  if (action === 'extend') {
    const access = await checkAnyAccess(service, ['deploy', 'approve'], 'extend the soak of', actor, input.directory);
    return access.allowed ? { ok: true } : { ok: false, problem: access.problem, valid: access.valid };
  }
  const access = await checkAccess(service, 'approve', actor, input.directory);
  if (!access.allowed) return { ok: false, problem: access.problem, valid: access.valid };
  if (service.prerelease.fourEyes && actor === deploy.actor) {
    return { ok: false, problem: `${service.name} needs four eyes: whoever requested the pre-release cannot approve it.`, valid: 'Ask another approver to press Approve.' };
  }
  const endsAt = minSoakEndsAt({ soakStartedAt: facts.soakStartedAt ?? now, extendedMs: facts.extendedMs, policy: service.prerelease });
  const hasReason = Boolean(input.reason && input.reason.trim().length >= 3);
  if (now < endsAt && !hasReason) {
    return {
      ok: false,
      problem: `The minimum soak is not over (${formatDuration(endsAt - now)} left).`,
      valid: 'Wait for it, or approve early with a reason (at least 3 characters) in the approval dialog.',
      needsReason: true,
    };
  }
  if (!facts.sentry.ok && !hasReason) {
    return { ok: false, problem: 'Sentry cannot be read right now, so the bot cannot vouch for this soak.', valid: 'Approve with a reason in the approval dialog if you checked the errors yourself.', needsReason: true };
  }
  return { ok: true };
}
