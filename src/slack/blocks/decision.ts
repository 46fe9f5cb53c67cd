import type { Decision } from '../../deploy/prerelease/facts.js';
import { truncate } from '../limits.js';
import { escape, mention } from './mrkdwn.js';

const DECISION_TEXT: Record<Decision['kind'], string> = {
  approved: '✅ Approved',
  rejected: '❌ Rejected',
  auto_approved: '✅ Approved automatically after a clean soak',
  auto_rollback: '↩️ Rolled back automatically',
  failed: '⚠️ Failed',
};

/** "*✅ Approved* by <@U1> after 4h 3m: looks good"; `when` says when or after how long. */
export function describeDecision(decision: Pick<Decision, 'kind' | 'by' | 'reason'>, when: string): string {
  const automatic = decision.kind === 'auto_approved' || decision.kind === 'auto_rollback';
  const by = automatic ? '' : ` by ${mention(decision.by)}`;
  const reason = decision.reason ? `: ${escape(truncate(decision.reason, 500))}` : '';
  return `*${DECISION_TEXT[decision.kind]}*${by} ${when}${reason}`;
}
