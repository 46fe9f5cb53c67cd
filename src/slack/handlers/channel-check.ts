import type { WebClient } from '@slack/web-api';
import type { ServiceConfig } from '../../config/catalog.js';
import { checkChannels } from '../../preflight/slack-check.js';
import type { SlackMessage } from '../blocks/build.js';
import { renderUserError } from '../blocks/user-error.js';

/**
 * A deploy tells its story in channels the bot must be able to post in. Asked before anything is
 * written, so a channel the bot was never invited to is found by the command, not by a release
 * whose announcement cannot go out. Null when the bot may post in all of them.
 */
export async function channelRefusal(client: WebClient, service: ServiceConfig, which: 'deploy' | 'deploy and release'): Promise<SlackMessage | null> {
  const { deployChannel, releaseChannel } = service.slack;
  const channels = [{ id: deployChannel, keys: 'slack.deployChannel' }];
  if (which === 'deploy and release' && releaseChannel !== deployChannel) channels.push({ id: releaseChannel, keys: 'slack.releaseChannel' });
  const problem = (await checkChannels(channels, { client })).find((line) => line.status === 'failed');
  return problem ? renderUserError(`${problem.detail}.`, `${problem.fix ?? ''}; then run the command again.`) : null;
}
