import { formatDuration } from '../../config/duration.js';
import type { ServiceConfig } from '../../config/catalog.js';
import type { PrereleaseFacts } from '../../deploy/prerelease/facts.js';
import type { DeployRecord } from '../../deploy/records.js';
import { slackTime } from './mrkdwn.js';
import { isFinished, OUTCOME_STATUS } from './outcome.js';

/** Where a pre-release stands, shared by its parent message and the `/prerelease list` answer. */

export type PrereleaseDeploy = DeployRecord<PrereleaseFacts>;

export function prereleaseStatus(deploy: PrereleaseDeploy): string {
  if (isFinished(deploy) && deploy.outcome) return OUTCOME_STATUS[deploy.outcome];
  if (deploy.hold) return `⛔ stopped while ${deploy.state.replace('_', ' ')}: waiting for an answer`;
  switch (deploy.state) {
    case 'requested':
    case 'launching':
      return '🚀 launching';
    case 'registering':
      return '⏳ waiting for healthy';
    case 'in_service':
      return '⏳ in service, starting the soak';
    case 'soaking':
      return '🧪 soaking';
    case 'approved':
      return '✅ approved';
    case 'rolling_back':
      return deploy.facts.decision?.kind === 'rejected' ? '❌ rejected, removing the canary' : '↩️ rolling back';
    default:
      return `⚙️ ${deploy.state}`;
  }
}

export interface SoakClock {
  elapsedMs: number;
  minimumMs: number;
  /** When the minimum soak is reached; null before the soak starts. */
  readyAt: number | null;
  reached: boolean;
}

/** The soak stops counting at the decision (or the end), so a finished deploy shows what it soaked. */
export function soakClock(deploy: PrereleaseDeploy, service: ServiceConfig, now: number): SoakClock {
  const minimumMs = service.prerelease.minSoak + deploy.facts.extendedMs;
  const started = deploy.facts.soakStartedAt;
  if (started === null) return { elapsedMs: 0, minimumMs, readyAt: null, reached: false };
  const end = deploy.facts.decision?.at ?? deploy.finishedAt ?? now;
  const elapsedMs = Math.max(0, end - started);
  return { elapsedMs, minimumMs, readyAt: started + minimumMs, reached: elapsedMs >= minimumMs };
}

export function describeSoak(deploy: PrereleaseDeploy, clock: SoakClock): string {
  if (clock.readyAt === null) return isFinished(deploy) ? 'never started' : 'not started yet';
  if (isFinished(deploy) || deploy.facts.decision) return `soaked ${formatDuration(clock.elapsedMs)}`;
  if (clock.reached) return `${formatDuration(clock.elapsedMs)}, ready to approve`;
  return `${formatDuration(clock.elapsedMs)} of ${formatDuration(clock.minimumMs)} minimum (ready at ${slackTime(clock.readyAt)})`;
}

/** Pre-release facts are written only by the pre-release workflow, so the kind tells their shape. */
export function asPrerelease(deploy: DeployRecord): PrereleaseDeploy | null {
  return deploy.kind === 'prerelease' ? (deploy as unknown as PrereleaseDeploy) : null;
}
