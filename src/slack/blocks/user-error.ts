import { LIMITS, truncate } from '../limits.js';
import { context, section, type SlackMessage } from './build.js';

/**
 * The ephemeral answer to bad input: what was wrong and what would be valid. Both are mrkdwn the
 * bot wrote (they may carry code spans and links); callers pass anything a user typed through
 * `escape` from mrkdwn.ts before quoting it.
 */
export function renderUserError(problem: string, valid: string): SlackMessage {
  return {
    text: truncate(`⚠️ ${problem} — ${valid}`, LIMITS.sectionText),
    blocks: [section(`⚠️ *What was wrong:* ${problem}`), section(`*What would be valid:* ${valid}`), context('Nothing was changed.')],
  };
}
