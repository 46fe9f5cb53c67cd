import { WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/slack/server.js';
import type { FakeEphemeral, FakeMessage } from '../../../src/sandbox/slack/workspace.js';

const TOKEN = 'xoxb-test-token';
let slack: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  slack = await startFakeSlack({
    token: TOKEN,
    channels: [
      { id: 'C0DEPLOYS1', name: 'deploys' },
      { id: 'C0RELEASE1', name: 'releases' },
    ],
    users: [
      { id: 'U0ALICE01', name: 'alice', realName: 'Alice Example' },
      { id: 'U0BOB0001', name: 'bob' },
    ],
    usergroups: { S0APPROVERS: ['U0ALICE01', 'U0BOB0001'] },
    now: () => Date.UTC(2026, 10, 23, 12, 0, 0),
  });
  client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
});

afterEach(async () => {
  await slack.close();
});

async function slackError(call: Promise<unknown>): Promise<{ error?: string; errors?: string[] }> {
  const error = await call.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebAPIPlatformError);
  return (error as WebAPIPlatformError).data as { error?: string; errors?: string[] };
}

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

describe('fake Slack Web API', () => {
  it('checks the bot token and tells the bot who it is', async () => {
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true, user_id: 'U0RELBOT01', bot_id: 'B0RELBOT01', team_id: 'T0SANDBOX1' });

    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect((await slackError(wrong.auth.test())).error).toBe('invalid_auth');
    const anonymous = new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect((await slackError(anonymous.auth.test())).error).toBe('not_authed');
  });

  it('posts messages with increasing Slack-shaped timestamps and threads replies under their parent', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'parent', blocks: [section('*parent*')] });
    const reply = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'reply 1', thread_ts: parent.ts });
    const replyToReply = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'reply 2', thread_ts: reply.ts });

    expect(parent.ts).toBe('1795435200.000000');
    expect(reply.ts).toBe('1795435200.000100');
    expect(replyToReply.message).toMatchObject({ thread_ts: parent.ts });
    expect(slack.workspace.messages('C0DEPLOYS1').map((m) => m.text)).toEqual(['parent']);
    expect(slack.workspace.messages('C0DEPLOYS1')[0]).toMatchObject({ reply_count: 2, reply_users: ['U0RELBOT01'], latest_reply: replyToReply.ts, blocks: [section('*parent*')] });
    expect(slack.workspace.thread('C0DEPLOYS1', parent.ts as string).map((m) => m.text)).toEqual(['reply 1', 'reply 2']);

    const replies = await client.conversations.replies({ channel: 'C0DEPLOYS1', ts: parent.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'reply 1', 'reply 2']);
    await client.chat.postMessage({ channel: '#deploys', text: 'by name' });
    const history = await client.conversations.history({ channel: 'C0DEPLOYS1', limit: 1 });
    expect(history.messages?.map((m) => m.text)).toEqual(['by name']);
    expect(history.has_more).toBe(true);
  });

  it('reads message metadata back only with include_all_metadata, from a channel and from a thread, within oldest and latest', async () => {
    const metadata = { event_type: 'release_bot_note', event_payload: { note_id: '7' } };
    const parent = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'parent', metadata });
    const first = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'reply 1', thread_ts: parent.ts, metadata });
    await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'reply 2', thread_ts: parent.ts });
    const later = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'later', metadata });

    const plain = await client.conversations.history({ channel: 'C0DEPLOYS1' });
    expect(plain.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['later', undefined],
      ['parent', undefined],
    ]);
    const all = await client.conversations.history({ channel: 'C0DEPLOYS1', include_all_metadata: true });
    expect(all.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['later', metadata],
      ['parent', metadata],
    ]);
    const thread = await client.conversations.replies({ channel: 'C0DEPLOYS1', ts: parent.ts as string, include_all_metadata: true });
    expect(thread.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['parent', metadata],
      ['reply 1', metadata],
      ['reply 2', undefined],
    ]);
    expect((await client.conversations.replies({ channel: 'C0DEPLOYS1', ts: parent.ts as string })).messages?.every((m) => m.metadata === undefined)).toBe(true);

    const since = await client.conversations.replies({ channel: 'C0DEPLOYS1', ts: parent.ts as string, oldest: first.ts });
    expect(since.messages?.map((m) => m.text)).toEqual(['parent', 'reply 2']);
    const window = await client.conversations.history({ channel: 'C0DEPLOYS1', oldest: parent.ts, latest: later.ts, inclusive: true });
    expect(window.messages?.map((m) => m.text)).toEqual(['later', 'parent']);
    const before = await client.conversations.history({ channel: 'C0DEPLOYS1', latest: later.ts });
    expect(before.messages?.map((m) => m.text)).toEqual(['parent']);
    const wholeSeconds = await client.conversations.history({ channel: 'C0DEPLOYS1', oldest: String(Number((later.ts as string).split('.')[0]) + 1) });
    expect(wholeSeconds.messages).toEqual([]);
  });

  it('refuses unknown channels and threads, empty messages, and blocks that break the limits', async () => {
    expect((await slackError(client.chat.postMessage({ channel: 'C0NOWHERE1', text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'x', thread_ts: '1.000000' }))).error).toBe('thread_not_found');
    expect((await slackError(client.chat.postMessage({ channel: 'C0DEPLOYS1', text: '' }))).error).toBe('no_text');

    const invalid = await slackError(
      client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }),
    );
    expect(invalid).toMatchObject({ error: 'invalid_blocks', errors: ['must be at most 150 characters (has 151) [json-pointer:/blocks/0/text/text]'] });
    const tooLong = await slackError(client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'x', blocks: Array.from({ length: 5 }, () => section('y'.repeat(2900))) }));
    expect(tooLong.error).toBe('msg_blocks_too_long');
    expect(slack.workspace.messages('C0DEPLOYS1')).toEqual([]);
  });

  it('reads blocks from JSON bodies as well as from form bodies', async () => {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0DEPLOYS1', text: 'json', blocks: [section('from json')], metadata: { event_type: 't', event_payload: { id: 1 } } }),
    });
    expect(await response.json()).toMatchObject({ ok: true, message: { blocks: [section('from json')], metadata: { event_type: 't' } } });

    const broken = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel: 'C0DEPLOYS1', text: 'x', blocks: '[{"type":' }).toString(),
    });
    expect(await broken.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
  });

  it('edits only the bot’s own messages, in place, keeping blocks when an update leaves them out', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'v1', blocks: [section('v1')] });
    await client.chat.update({ channel: 'C0DEPLOYS1', ts: posted.ts as string, text: 'v2' });
    expect(slack.workspace.messages('C0DEPLOYS1')).toMatchObject([{ ts: posted.ts, text: 'v2', blocks: [section('v1')], edited: { user: 'U0RELBOT01' } }]);

    await client.chat.update({ channel: 'C0DEPLOYS1', ts: posted.ts as string, text: 'v3', blocks: [section('v3')] });
    expect(slack.workspace.messages('C0DEPLOYS1')).toMatchObject([{ text: 'v3', blocks: [section('v3')] }]);

    expect((await slackError(client.chat.update({ channel: 'C0DEPLOYS1', ts: '1.000000', text: 'x' }))).error).toBe('message_not_found');
    const human = slack.workspace.postAsUser('C0DEPLOYS1', 'U0ALICE01', 'hello');
    expect((await slackError(client.chat.update({ channel: 'C0DEPLOYS1', ts: human.ts, text: 'x' }))).error).toBe('cant_update_message');
  });

  it('records ephemeral messages per user and links to messages', async () => {
    await client.chat.postEphemeral({ channel: 'C0DEPLOYS1', user: 'U0ALICE01', text: 'only for alice' });
    expect(slack.workspace.ephemerals('U0ALICE01')).toMatchObject([{ channel: 'C0DEPLOYS1', text: 'only for alice', via: 'chat.postEphemeral' }]);
    expect(slack.workspace.ephemerals('U0BOB0001')).toEqual([]);
    expect((await slackError(client.chat.postEphemeral({ channel: 'C0DEPLOYS1', user: 'U0NOBODY1', text: 'x' }))).error).toBe('user_not_found');

    const parent = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'parent' });
    const reply = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'reply', thread_ts: parent.ts });
    const link = await client.chat.getPermalink({ channel: 'C0DEPLOYS1', message_ts: reply.ts as string });
    expect(link.permalink).toBe(`${slack.url}/archives/C0DEPLOYS1/p${(reply.ts as string).replace('.', '')}?thread_ts=${parent.ts}&cid=C0DEPLOYS1`);
  });

  it('answers user group members and user profiles from configuration', async () => {
    await expect(client.usergroups.users.list({ usergroup: 'S0APPROVERS' })).resolves.toMatchObject({ users: ['U0ALICE01', 'U0BOB0001'] });
    expect((await slackError(client.usergroups.users.list({ usergroup: 'S0NOBODY1' }))).error).toBe('no_such_subteam');
    await expect(client.users.info({ user: 'U0ALICE01' })).resolves.toMatchObject({ user: { id: 'U0ALICE01', name: 'alice', real_name: 'Alice Example', is_bot: false } });
    expect((await slackError(client.users.info({ user: 'U0NOBODY1' }))).error).toBe('user_not_found');
  });

  it('answers 429 with Retry-After as many times as asked, then serves the method again', async () => {
    slack.rateLimit('chat.postMessage', 2, 7);

    for (let i = 0; i < 2; i++) {
      const error = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebAPIRateLimitedError);
      expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    }
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    await expect(client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'x' })).resolves.toMatchObject({ ok: true });
    expect(slack.workspace.calls('chat.postMessage').map((c) => c.error ?? 'ok')).toEqual(['ratelimited', 'ratelimited', 'ok']);
    expect(slack.workspace.calls('chat.postMessage')[2].args).toMatchObject({ channel: 'C0DEPLOYS1', text: 'x' });
  });

  it('announces posted and updated messages and ephemerals on its change feed', async () => {
    const posted: FakeMessage[] = [];
    const updated: FakeMessage[] = [];
    const ephemeral: FakeEphemeral[] = [];
    slack.workspace.on('message-posted', (m) => posted.push(m));
    slack.workspace.on('message-updated', (m) => updated.push(m));
    slack.workspace.on('ephemeral', (e) => ephemeral.push(e));

    const message = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'a' });
    await client.chat.update({ channel: 'C0DEPLOYS1', ts: message.ts as string, text: 'b' });
    await client.chat.postEphemeral({ channel: 'C0DEPLOYS1', user: 'U0BOB0001', text: 'c' });

    expect(posted.map((m) => m.ts)).toEqual([message.ts]);
    expect(updated.map((m) => m.text)).toEqual(['b']);
    expect(ephemeral.map((e) => e.text)).toEqual(['c']);
  });
});

describe('fake Slack response URLs', () => {
  const respond = (url: string, body: Record<string, unknown>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('records ephemeral answers for the user who typed the command', async () => {
    const url = slack.createResponseUrl({ user: 'U0ALICE01', channel: 'C0DEPLOYS1' });
    const response = await respond(url, { response_type: 'ephemeral', text: 'Pre-release started', blocks: [section('started')] });

    expect(response.status).toBe(200);
    expect(slack.workspace.ephemerals('U0ALICE01')).toMatchObject([{ channel: 'C0DEPLOYS1', text: 'Pre-release started', blocks: [section('started')], via: 'response_url' }]);
    expect(slack.workspace.messages('C0DEPLOYS1')).toEqual([]);
  });

  it('posts in_channel answers as messages and replaces the clicked message when asked', async () => {
    const original = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'with buttons' });
    const url = slack.createResponseUrl({ user: 'U0BOB0001', channel: 'C0DEPLOYS1', messageTs: original.ts });

    await respond(url, { response_type: 'in_channel', text: 'for everyone' });
    await respond(url, { replace_original: true, text: 'buttons gone' });

    expect(slack.workspace.messages('C0DEPLOYS1').map((m) => m.text)).toEqual(['buttons gone', 'for everyone']);
  });

  it('refuses unknown URLs, a sixth use, and invalid blocks as Slack does', async () => {
    expect((await respond(`${slack.url}/response/00ff`, { text: 'x' })).status).toBe(404);

    const url = slack.createResponseUrl({ user: 'U0ALICE01', channel: 'C0DEPLOYS1' });
    const invalid = await respond(url, { text: 'x', blocks: [{ type: 'section' }] });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    for (let i = 0; i < 4; i++) expect((await respond(url, { text: `answer ${i}` })).status).toBe(200);
    const sixth = await respond(url, { text: 'one too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
  });
});
