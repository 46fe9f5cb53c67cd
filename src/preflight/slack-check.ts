import type { WebClient } from '@slack/web-api';
import type { ServiceConfig } from '../config/catalog.js';
import { DependencyError } from '../deploy/ports.js';
import { slackError } from '../slack/slack-errors.js';
import { failed, ok, warning, type CheckLine } from './report.js';

export interface SlackCheckOptions {
  /** The bot's WebClient (bot token). */
  client: WebClient;
  /** The bot's user name for `/invite @…`; asked of auth.test when a fix needs it. */
  botName?: string;
}

const AREA = 'Slack';
/** Answers about the token rather than the channel: said once, not per channel. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/**
 * Reads one message of the deploy channel and of the release channel with conversations.history,
 * which a bot token may do only in a channel it is in: the same membership posting there needs,
 * found without posting anything.
 */
export async function checkSlack(service: ServiceConfig, options: SlackCheckOptions): Promise<CheckLine[]> {
  const { deployChannel, releaseChannel } = service.slack;
  const channels =
    deployChannel === releaseChannel
      ? [{ id: deployChannel, keys: 'slack.deployChannel and slack.releaseChannel' }]
      : [
          { id: deployChannel, keys: 'slack.deployChannel' },
          { id: releaseChannel, keys: 'slack.releaseChannel' },
        ];
  return checkChannels(channels, options);
}

/** The same check for chosen channels: a deploy command asks it of the channels that deploy will post in. */
export async function checkChannels(channels: { id: string; keys: string }[], options: SlackCheckOptions): Promise<CheckLine[]> {
  let botName = options.botName;
  const nameOfBot = async (): Promise<string> => (botName ??= await askName(options.client));

  const lines: CheckLine[] = [];
  for (const channel of channels) {
    try {
      await options.client.conversations.history({ channel: channel.id, limit: 1 });
      lines.push(ok(AREA, `the bot reads <#${channel.id}> (${channel.keys})`));
    } catch (error) {
      const refusal = slackError(error, `reading <#${channel.id}> (${channel.keys})`);
      if (refusal.code && TOKEN_ERRORS.has(refusal.code)) {
        return [failed(AREA, refusal.message, "set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…, under OAuth & Permissions), and reinstall the app if it was removed")];
      }
      lines.push(await channelProblem(refusal, channel, error, nameOfBot));
    }
  }
  return lines;
}

async function channelProblem(refusal: DependencyError, channel: { id: string; keys: string }, error: unknown, nameOfBot: () => Promise<string>): Promise<CheckLine> {
  switch (refusal.code) {
    case 'not_in_channel':
      return failed(AREA, `the bot is not in <#${channel.id}> (${channel.keys}), so it could not post there`, `invite the bot: \`/invite @${await nameOfBot()}\` in <#${channel.id}>`);
    case 'channel_not_found':
      return failed(
        AREA,
        `${channel.keys} (${channel.id}) names no channel the bot can see`,
        `set ${channel.keys} to the channel's ID (in the channel's details, at the bottom); a private channel must invite the bot first: \`/invite @${await nameOfBot()}\``,
      );
    case 'missing_scope': {
      const needed = (error as { data?: { needed?: string } }).data?.needed ?? 'channels:history, groups:history';
      return failed(AREA, refusal.message, `add the bot scopes ${needed} to the Slack app (manifest.yml lists them) and reinstall it to the workspace`);
    }
    case 'ratelimited':
      return warning(AREA, refusal.message, 'run the check again in a minute');
    default:
      return failed(AREA, refusal.message, 'check SLACK_API_URL (when set) and that the bot can reach Slack; run the check again');
  }
}

/** The bot user's name as `/invite` takes it; the manifest's display name when Slack will not say. */
async function askName(client: WebClient): Promise<string> {
  try {
    const answer = await client.auth.test();
    return typeof answer.user === 'string' && answer.user ? answer.user : 'release-bot';
  } catch {
    return 'release-bot';
  }
}
