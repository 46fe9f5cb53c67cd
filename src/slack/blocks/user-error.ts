import { LIMITS, truncate } from '../limits.js';
import { context, section, type SlackMessage } from './build.js';
import { escape } from './mrkdwn.js';

/**
 * The ephemeral answer to bad input: what was wrong and what would be valid. Both are plain
 * sentences that may quote the user's input, so they are escaped; backticks still format.
 */
export function renderUserError(problem: string, valid: string): SlackMessage {
  return {
    text: truncate(`⚠️ ${escape(problem)} — ${escape(valid)}`, LIMITS.sectionText),
    blocks: [section(`⚠️ *What was wrong:* ${escape(problem)}`), section(`*What would be valid:* ${escape(valid)}`), context('Nothing was changed.')],
  };
}
