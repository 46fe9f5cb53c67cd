import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { StoredDeploy } from '../../deploy/store-port.js';

/** A private answer to whoever typed the command or pressed the button. */
export async function answer(respond: RespondFn, message: { text: string; blocks?: unknown[] }): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks as never });
}

/** " <permalink|Open its thread>." for a deploy with a parent message, else nothing. */
export async function threadLink(client: WebClient, deploy: StoredDeploy | undefined): Promise<string> {
  if (!deploy?.slackChannel || !deploy.slackTs) return '';
  try {
    const link = await client.chat.getPermalink({ channel: deploy.slackChannel, message_ts: deploy.slackTs });
    return link.permalink ? ` <${link.permalink}|Open its thread>.` : '';
  } catch {
    return '';
  }
}
