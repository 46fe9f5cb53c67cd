import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, verifySlackRequest, type BlockButtonAction, type SlashCommand } from '@slack/bolt';
import { WebClient, type Button } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/slack/server.js';
import { blockActionsBody, sendSigned, signSlackRequest, slashCommandBody } from '../../../src/sandbox/slack/signing.js';
import type { FakeEphemeral, FakeMessage } from '../../../src/sandbox/slack/workspace.js';
import { PRERELEASE_ACTIONS } from '../../../src/slack/blocks/prerelease-actions.js';
import { renderPrereleaseParent } from '../../../src/slack/blocks/prerelease-parent.js';
import { NOW, prerelease } from '../../slack/fixtures.js';
import { exampleService } from '../../support/catalog.js';

const TOKEN = 'xoxb-signing-test';
const SECRET = 'signing-secret-for-tests';

let slack: FakeSlack;
let app: App;
let events: string;
const commands: SlashCommand[] = [];
const clicks: BlockButtonAction[] = [];

beforeAll(async () => {
  slack = await startFakeSlack({ token: TOKEN, channels: [{ id: 'C0DEPLOYS1', name: 'deploys' }], users: [{ id: 'U0ALICE01', name: 'alice' }] });
  app = new App({
    token: TOKEN,
    signingSecret: SECRET,
    botId: 'B0RELBOT01',
    botUserId: 'U0RELBOT01',
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/prerelease', async ({ ack, command, respond }) => {
    await ack();
    commands.push(command);
    await respond({ response_type: 'ephemeral', text: `checking ${command.text}` });
  });
  app.action<BlockButtonAction>(PRERELEASE_ACTIONS.approve, async ({ ack, body, respond }) => {
    await ack();
    clicks.push(body);
    await respond({ replace_original: true, text: 'approved' });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  events = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  await app.stop();
  await slack.close();
});

describe('signed Slack requests', () => {
  it('signs the way Bolt verifies, with the exact form content type', () => {
    const body = 'command=%2Fprerelease&text=board+1.42.0';
    const now = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(SECRET, body, now);

    expect(headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(headers['X-Slack-Request-Timestamp']).toBe(String(now));
    const verify = (secret: string, signed: string) =>
      verifySlackRequest({
        signingSecret: secret,
        body: signed,
        headers: { 'x-slack-signature': headers['X-Slack-Signature'], 'x-slack-request-timestamp': now },
      });
    expect(() => verify(SECRET, body)).not.toThrow();
    expect(() => verify('another-secret', body)).toThrow();
    expect(() => verify(SECRET, `${body}x`)).toThrow();
  });

  it('delivers a slash command that Bolt parses, and its response URL reaches the fake Slack', async () => {
    const responseUrl = slack.createResponseUrl({ user: 'U0ALICE01', channel: 'C0DEPLOYS1' });
    const answered = once(slack.workspace, 'ephemeral') as Promise<[FakeEphemeral]>;
    const body = slashCommandBody({
      command: '/prerelease',
      text: 'board 1.42.0',
      user_id: 'U0ALICE01',
      user_name: 'alice',
      channel_id: 'C0DEPLOYS1',
      team_id: 'T0SANDBOX1',
      response_url: responseUrl,
      trigger_id: '1337.42.abcd',
    });

    const response = await sendSigned(events, SECRET, body);

    expect(response.status).toBe(200);
    const [ephemeral] = await answered;
    expect(ephemeral).toMatchObject({ user: 'U0ALICE01', channel: 'C0DEPLOYS1', text: 'checking board 1.42.0' });
    expect(commands.at(-1)).toMatchObject({ command: '/prerelease', text: 'board 1.42.0', user_id: 'U0ALICE01', channel_id: 'C0DEPLOYS1', trigger_id: '1337.42.abcd' });
  });

  it('delivers a button click on a posted message with the action, value, message and container Bolt expects', async () => {
    const client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const parent = renderPrereleaseParent(prerelease(), exampleService(), NOW);
    const posted = await client.chat.postMessage({ channel: 'C0DEPLOYS1', ...parent });
    const message = posted.message as unknown as FakeMessage;
    const approve = parent.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : [])).find((e) => e.action_id === PRERELEASE_ACTIONS.approve) as Button;
    const replaced = once(slack.workspace, 'message-updated') as Promise<[FakeMessage]>;

    const response = await sendSigned(
      events,
      SECRET,
      blockActionsBody({
        user: { id: 'U0ALICE01', username: 'alice' },
        channel: { id: 'C0DEPLOYS1', name: 'deploys' },
        message: { ts: message.ts, text: message.text, blocks: message.blocks ?? [], user: message.user, bot_id: message.bot_id },
        actions: [{ action_id: approve.action_id as string, block_id: 'prerelease_actions', value: approve.value as string, type: 'button', action_ts: '1795435260.000200' }],
        response_url: slack.createResponseUrl({ user: 'U0ALICE01', channel: 'C0DEPLOYS1', messageTs: message.ts }),
        trigger_id: '1337.43.abcd',
      }),
    );

    expect(response.status).toBe(200);
    const [updated] = await replaced;
    expect(updated).toMatchObject({ ts: message.ts, text: 'approved' });
    const click = clicks.at(-1) as BlockButtonAction;
    expect(click.actions[0]).toMatchObject({ action_id: 'prerelease_approve', value: 'pr-0a1b2c3d', block_id: 'prerelease_actions' });
    expect(click).toMatchObject({ type: 'block_actions', user: { id: 'U0ALICE01' }, channel: { id: 'C0DEPLOYS1' }, message: { ts: message.ts }, container: { message_ts: message.ts, channel_id: 'C0DEPLOYS1' }, trigger_id: '1337.43.abcd' });
  });

  it('is refused by Bolt when signed with another secret or too long ago', async () => {
    const body = slashCommandBody({ command: '/prerelease', text: 'list', user_id: 'U0ALICE01', user_name: 'alice', channel_id: 'C0DEPLOYS1', team_id: 'T0SANDBOX1', response_url: slack.createResponseUrl({ user: 'U0ALICE01', channel: 'C0DEPLOYS1' }), trigger_id: 't' });
    const before = commands.length;

    expect((await sendSigned(events, 'not-the-secret', body)).status).toBe(401);
    expect((await sendSigned(events, SECRET, body, Math.floor(Date.now() / 1000) - 301)).status).toBe(401);
    expect(commands.length).toBe(before);
  });
});
