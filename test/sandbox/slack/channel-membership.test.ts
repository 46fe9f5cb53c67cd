import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/slack/server.js';

const TOKEN = 'xoxb-test-token';
const DEPLOYS = 'C0DEPLOYS1';
const RELEASES = 'C0RELEASE1';
const OLD = 'C0OLDNEWS1';
const SECRET = 'G0SECRETS1';
let slack: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  slack = await startFakeSlack({
    token: TOKEN,
    channels: [
      { id: DEPLOYS, name: 'deploys' },
      { id: RELEASES, name: 'releases', botMember: false },
      { id: OLD, name: 'old-news', archived: true },
      { id: SECRET, name: 'secrets' },
    ],
    users: [{ id: 'U0ALICE01', name: 'alice' }],
    now: () => Date.UTC(2026, 10, 23, 12, 0, 0),
  });
  client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});

afterEach(async () => {
  await slack.close();
});

async function slackError(call: Promise<unknown>): Promise<string | undefined> {
  const error = await call.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebAPIPlatformError);
  return (error as WebAPIPlatformError).data.error;
}

describe('fake Slack channel membership', () => {
  it('refuses to post or read in a channel the bot is not in, by ID or by name, and leaves the channel untouched', async () => {
    expect(await slackError(client.chat.postMessage({ channel: RELEASES, text: 'v1.2.0 released' }))).toBe('not_in_channel');
    expect(await slackError(client.chat.postMessage({ channel: '#releases', text: 'v1.2.0 released' }))).toBe('not_in_channel');
    expect(await slackError(client.conversations.history({ channel: RELEASES }))).toBe('not_in_channel');

    const human = slack.workspace.postAsUser(RELEASES, 'U0ALICE01', 'anyone deploying?');
    expect(await slackError(client.conversations.replies({ channel: RELEASES, ts: human.ts }))).toBe('not_in_channel');
    expect(slack.workspace.messages(RELEASES).map((m) => m.text)).toEqual(['anyone deploying?']);
    expect(slack.workspace.calls('chat.postMessage').map((c) => c.error)).toEqual(['not_in_channel', 'not_in_channel']);
  });

  it('keeps channel_not_found for a channel that does not exist', async () => {
    expect(await slackError(client.chat.postMessage({ channel: 'C0NOWHERE1', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.conversations.history({ channel: 'C0NOWHERE1' }))).toBe('channel_not_found');
    expect(await slackError(client.conversations.replies({ channel: 'C0NOWHERE1', ts: '1.000000' }))).toBe('channel_not_found');
    expect(await slackError(client.conversations.info({ channel: 'C0NOWHERE1' }))).toBe('channel_not_found');
  });

  it('posts once the bot is invited, and refuses again once it is removed', async () => {
    slack.workspace.setBotMember(RELEASES, true);
    const posted = await client.chat.postMessage({ channel: RELEASES, text: 'v1.2.0 released' });
    expect((await client.conversations.history({ channel: RELEASES })).messages?.map((m) => m.text)).toEqual(['v1.2.0 released']);

    slack.workspace.setBotMember(RELEASES, false);
    expect(await slackError(client.chat.postMessage({ channel: RELEASES, text: 'again' }))).toBe('not_in_channel');
    expect(await slackError(client.conversations.replies({ channel: RELEASES, ts: posted.ts as string }))).toBe('not_in_channel');
    expect(() => slack.workspace.setBotMember('C0NOWHERE1', true)).toThrow(/no channel C0NOWHERE1/);
  });

  it('refuses new messages in an archived channel but still lets the bot read it', async () => {
    expect(await slackError(client.chat.postMessage({ channel: OLD, text: 'x' }))).toBe('is_archived');
    await expect(client.conversations.history({ channel: OLD })).resolves.toMatchObject({ ok: true, messages: [] });

    slack.workspace.setArchived(OLD, false);
    await expect(client.chat.postMessage({ channel: OLD, text: 'back' })).resolves.toMatchObject({ ok: true });
  });

  it('describes a channel with conversations.info, by ID only, as the bot sees it', async () => {
    const deploys = await client.conversations.info({ channel: DEPLOYS });
    expect(deploys.channel).toMatchObject({ id: DEPLOYS, name: 'deploys', is_channel: true, is_private: false, is_archived: false, is_member: true });
    expect((await client.conversations.info({ channel: RELEASES })).channel).toMatchObject({ is_member: false, is_archived: false });
    expect((await client.conversations.info({ channel: OLD })).channel).toMatchObject({ is_archived: true });
    expect((await client.conversations.info({ channel: SECRET })).channel).toMatchObject({ is_private: true, is_group: true, is_channel: false });
    expect(await slackError(client.conversations.info({ channel: '#deploys' }))).toBe('channel_not_found');

    slack.workspace.setBotMember(RELEASES, true);
    expect((await client.conversations.info({ channel: RELEASES })).channel).toMatchObject({ is_member: true });
  });

  it('still shows the bot’s slash-command answers in a channel it is not in, as Slack does', async () => {
    const url = slack.createResponseUrl({ user: 'U0ALICE01', channel: RELEASES });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'in_channel', text: 'Release started' }) });
    expect(response.status).toBe(200);
    expect(slack.workspace.messages(RELEASES).map((m) => m.text)).toEqual(['Release started']);
  });
});
