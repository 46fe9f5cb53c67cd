import type { DeployRecord, Outcome } from '../../deploy/records.js';

/** How a finished deploy of either kind is named, in parent messages and in lists. */
export const OUTCOME_STATUS: Record<Outcome, string> = {
  approved: '✅ approved',
  released: '✅ released',
  rejected: '❌ rejected',
  rolled_back: '↩️ rolled back',
  failed: '⚠️ failed',
  cancelled: '🚫 cancelled',
};

export function isFinished(deploy: Pick<DeployRecord, 'finishedAt'>): boolean {
  return deploy.finishedAt !== null;
}
