import { once } from 'node:events';
import { WebClient, type Button } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startConsole } from '../../../src/sandbox/console/server.js';
import type { ConsoleView } from '../../../src/sandbox/console/open-views.js';
import type { ConsoleState } from '../../../src/sandbox/console/snapshot.js';
import type { FakeMessage, FakeView } from '../../../src/sandbox/slack/workspace.js';
import { PRERELEASE_ACTIONS } from '../../../src/slack/blocks/prerelease-actions.js';
import { REASON_ACTION, REASON_BLOCK } from '../../../src/slack/blocks/reason-modal.js';
import { ALEX, DANA, DEPLOYS, IDENTITIES, OLLI, SECRET, startConsoleWorld, TOKEN, type ConsoleWorld } from './console-world.js';
import { readEvents, type EventReader } from './event-reader.js';

let world: ConsoleWorld;
let client: WebClient;
const readers: EventReader[] = [];

beforeAll(async () => {
  world = await startConsoleWorld({
    extras: {
      banner: 'Prometheus: stand-in',
      panels: [{ id: 'users', title: 'Simulated users', fetchUrl: '/extras/users' }],
      routes: { '/extras/users': async () => ({ sessions: 400, 'lost sessions': 0 }) },
    },
  });
  client = new WebClient(TOKEN, { slackApiUrl: world.slack.apiUrl, retryConfig: { retries: 0 } });
});

afterEach(() => {
  for (const reader of readers.splice(0)) reader.close();
});

afterAll(async () => {
  await world.close();
});

async function call(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${world.console.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function stateOf(user: string): Promise<ConsoleState> {
  const response = await fetch(`${world.console.url}/api/state?as=${user}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ConsoleState;
}

async function events(user: string): Promise<EventReader> {
  const reader = await readEvents(`${world.console.url}/events?as=${user}`);
  readers.push(reader);
  return reader;
}

/** Types the command as Dana and waits for the stand-in bot's parent message and private answer. */
async function startPrerelease(version: string): Promise<FakeMessage> {
  const ws = world.slack.workspace;
  const posted = once(ws, 'message-posted');
  const answered = once(ws, 'ephemeral');
  const reply = await call('/api/command', { as: DANA, channel: DEPLOYS, text: `/prerelease board ${version}` });
  expect(reply).toEqual({ status: 200, body: { ok: true } });
  const [parent] = (await posted) as [FakeMessage];
  await answered;
  return parent;
}

const actionsIndex = (message: FakeMessage) => (message.blocks as { type: string }[]).findIndex((b) => b.type === 'actions');

describe('local Slack console: server', () => {
  it('sends a typed slash command to the bot, signed, as the chosen identity in the current channel', async () => {
    const parent = await startPrerelease('1.1.0');

    const command = world.received.commands.at(-1);
    expect(command).toMatchObject({ command: '/prerelease', text: 'board 1.1.0', user_id: DANA, user_name: 'dana', channel_id: DEPLOYS, channel_name: 'deploys', team_id: 'T0SANDBOX1' });
    expect(command?.response_url.startsWith(`${world.slack.url}/response/`)).toBe(true);
    expect(command?.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(parent).toMatchObject({ channel: DEPLOYS, user: world.slack.workspace.bot.userId });
  });

  it('shows the private answer to the person who typed the command and to nobody else', async () => {
    await startPrerelease('1.1.1');

    const dana = await stateOf(DANA);
    const alex = await stateOf(ALEX);
    expect(dana.ephemerals.map((e) => e.text)).toContain(`Pre-release pr-00000002 of board 1.1.1 started: follow it in <#${DEPLOYS}>.`);
    expect(dana.ephemerals.every((e) => e.user === DANA)).toBe(true);
    expect(alex.ephemerals).toEqual([]);
    expect(dana.you).toBe(DANA);
    expect(dana.identities).toEqual(IDENTITIES);
    expect(dana.messages.filter((m) => m.thread_ts === m.ts || m.thread_ts === undefined).length).toBeGreaterThanOrEqual(2);
    expect(dana.users.find((u) => u.id === ALEX)?.name).toBe('Alex');
  });

  it('sends a click as block_actions with the message, its container, the action and a trigger', async () => {
    const parent = await startPrerelease('1.1.2');
    const blockIndex = actionsIndex(parent);
    const opened = once(world.slack.workspace, 'view-opened');

    const reply = await call('/api/action', { as: ALEX, channel: DEPLOYS, ts: parent.ts, blockIndex, actionId: PRERELEASE_ACTIONS.approve });
    await opened;

    expect(reply).toEqual({ status: 200, body: { ok: true } });
    const click = world.received.clicks.at(-1);
    const approve = (parent.blocks?.[blockIndex] as { elements: Button[] }).elements[0];
    expect(click).toMatchObject({
      type: 'block_actions',
      user: { id: ALEX, name: 'alex' },
      channel: { id: DEPLOYS, name: 'deploys' },
      container: { type: 'message', message_ts: parent.ts, channel_id: DEPLOYS, is_ephemeral: false },
      message: { ts: parent.ts, blocks: parent.blocks, text: parent.text, bot_id: world.slack.workspace.bot.botId },
      actions: [{ type: 'button', action_id: PRERELEASE_ACTIONS.approve, block_id: 'prerelease_actions', value: approve.value, style: 'primary', text: approve.text }],
    });
    expect(click?.container).not.toHaveProperty('thread_ts');
    expect(click?.response_url.startsWith(`${world.slack.url}/response/`)).toBe(true);
    expect(click?.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
  });

  it('opens the modal the bot asked for with the click’s trigger for the clicker only, and submits it as view_submission', async () => {
    const parent = await startPrerelease('1.1.3');
    const opened = once(world.slack.workspace, 'view-opened');
    await call('/api/action', { as: ALEX, channel: DEPLOYS, ts: parent.ts, blockIndex: actionsIndex(parent), actionId: PRERELEASE_ACTIONS.approve });
    const [fake] = (await opened) as [FakeView];

    const view = (await stateOf(ALEX)).views.find((v) => v.id === fake.id) as ConsoleView;
    expect(view).toMatchObject({ user: ALEX, view: { title: { text: 'Approve with a reason' }, private_metadata: 'pr-00000004' } });
    expect((await stateOf(DANA)).views).toEqual([]);

    const tooShort = await call('/api/view/submit', { as: ALEX, viewId: view.id, values: { [REASON_BLOCK]: { [REASON_ACTION]: 'fine' } } });
    expect(tooShort).toEqual({ status: 200, body: { ok: true, errors: { [REASON_BLOCK]: 'Say a little more: at least 10 characters.' } } });
    expect((await stateOf(ALEX)).views.map((v) => v.id)).toContain(view.id);

    const updated = once(world.slack.workspace, 'message-updated');
    const accepted = await call('/api/view/submit', { as: ALEX, viewId: view.id, values: { [REASON_BLOCK]: { [REASON_ACTION]: 'Soaked overnight, no new issues' } } });
    expect(accepted).toEqual({ status: 200, body: { ok: true, closed: [view.id] } });
    expect((await stateOf(ALEX)).views.map((v) => v.id)).not.toContain(view.id);
    const submission = world.received.submissions.at(-1);
    expect(submission).toMatchObject({ id: view.id, callback_id: 'prerelease_approve_reason', private_metadata: 'pr-00000004' });
    expect(submission?.state.values).toEqual({ [REASON_BLOCK]: { [REASON_ACTION]: { type: 'plain_text_input', value: 'Soaked overnight, no new issues' } } });
    const [edited] = (await updated) as [FakeMessage];
    expect(edited.ts).toBe(parent.ts);
    expect(JSON.stringify(edited.blocks)).toContain(`by <@${ALEX}>`);
  });

  it('streams posted and edited messages to every page, with the parent of a new reply', async () => {
    const dana = await events(DANA);
    const alex = await events(ALEX);

    const posted = await client.chat.postMessage({ channel: DEPLOYS, text: 'parent', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*before*' } }] });
    await client.chat.update({ channel: DEPLOYS, ts: posted.ts as string, text: 'parent', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*after*' } }] });
    await client.chat.postMessage({ channel: DEPLOYS, thread_ts: posted.ts, text: 'a reply' });

    for (const reader of [dana, alex]) {
      expect((await reader.next('message-posted')).data).toMatchObject({ message: { ts: posted.ts, text: 'parent' } });
      expect((await reader.next()).data).toMatchObject({ message: { ts: posted.ts, blocks: [{ text: { text: '*after*' } }], edited: {} } });
      expect((await reader.next()).data).toMatchObject({ message: { text: 'a reply', thread_ts: posted.ts }, parent: { ts: posted.ts, reply_count: 1 } });
    }
  });

  it('streams an ephemeral only to the person it is for', async () => {
    const dana = await events(DANA);
    const alex = await events(ALEX);

    await client.chat.postEphemeral({ channel: DEPLOYS, user: DANA, text: 'just for Dana' });
    await client.chat.postMessage({ channel: DEPLOYS, text: 'for everyone' });

    expect(await dana.next()).toMatchObject({ event: 'ephemeral', data: { ephemeral: { user: DANA, text: 'just for Dana' } } });
    expect(await alex.next()).toMatchObject({ event: 'message-posted', data: { message: { text: 'for everyone' } } });
  });

  it('posts plain text as the identity, escaped the way Slack clients escape it', async () => {
    const posted = once(world.slack.workspace, 'message-posted');
    expect(await call('/api/command', { as: OLLI, channel: DEPLOYS, text: 'is <b>this</b> & that live?' })).toEqual({ status: 200, body: { ok: true } });
    const [message] = (await posted) as [FakeMessage];
    expect(message).toMatchObject({ user: OLLI, text: 'is &lt;b&gt;this&lt;/b&gt; &amp; that live?' });
    expect(world.received.commands.every((c) => c.user_id !== OLLI)).toBe(true);
  });

  it('takes requests only as JSON, which another site’s page cannot send it', async () => {
    const commands = world.received.commands.length;
    const form = await fetch(`${world.console.url}/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ as: DANA, channel: DEPLOYS, text: '/prerelease board 6.6.6' }),
    });
    expect(form.status).toBe(415);
    expect(world.received.commands.length).toBe(commands);
  });

  it('says why a click cannot be sent: an unknown identity, a gone message, a button no longer there', async () => {
    const parent = await startPrerelease('1.1.4');
    const clicks = world.received.clicks.length;

    expect(await call('/api/action', { as: 'U0NOBODY01', channel: DEPLOYS, ts: parent.ts, blockIndex: 0, actionId: PRERELEASE_ACTIONS.approve })).toMatchObject({ status: 400 });
    expect(await call('/api/action', { as: ALEX, channel: DEPLOYS, ts: '1.000000', blockIndex: 0, actionId: PRERELEASE_ACTIONS.approve })).toMatchObject({ status: 404 });
    expect(await call('/api/action', { as: ALEX, channel: DEPLOYS, ts: parent.ts, blockIndex: 0, actionId: 'no_such_button' })).toMatchObject({ status: 409 });
    expect(await call('/api/action', { as: ALEX, channel: DEPLOYS, ts: parent.ts })).toMatchObject({ status: 400 });
    expect(world.received.clicks.length).toBe(clicks);
  });

  it('reports the bot’s refusal when the console signs with the wrong secret, and sends nothing the bot accepts', async () => {
    const wrong = await startConsole({ slack: world.slack, botUrl: world.botUrl, signingSecret: `${SECRET}-wrong`, identities: IDENTITIES, port: 0 });
    try {
      const commands = world.received.commands.length;
      const response = await fetch(`${wrong.url}/api/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ as: DANA, channel: DEPLOYS, text: '/prerelease board 9.9.9' }),
      });
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: string }).error).toMatch(/^\/prerelease failed: the bot answered HTTP 401/);
      expect(world.received.commands.length).toBe(commands);
    } finally {
      await wrong.close();
    }
  });

  it('says so when the bot is not running', async () => {
    const offline = await startConsole({ slack: world.slack, botUrl: 'http://127.0.0.1:9/slack/events', signingSecret: SECRET, identities: IDENTITIES, port: 0 });
    try {
      const response = await fetch(`${offline.url}/api/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ as: DANA, channel: DEPLOYS, text: '/release board' }),
      });
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: string }).error).toMatch(/^\/release failed: the bot is not reachable at http:\/\/127\.0\.0\.1:9\/slack\/events/);
    } finally {
      await offline.close();
    }
  });

  it('serves the page and its assets, and nothing outside the page folder', async () => {
    const page = await fetch(`${world.console.url}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script type="module" src="/assets/app.js">');
    const script = await fetch(`${world.console.url}/assets/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const path of ['/assets/../server.ts', '/assets/%2e%2e%2fserver.ts', '/assets/missing.js', '/server.ts']) {
      expect((await fetch(`${world.console.url}${path}`)).status, path).toBe(404);
    }
  });

  it('serves the sandbox’s extra routes and lists its panels and banner in the state', async () => {
    expect(await (await fetch(`${world.console.url}/extras/users`)).json()).toEqual({ sessions: 400, 'lost sessions': 0 });
    const state = await stateOf(DANA);
    expect(state).toMatchObject({ banner: 'Prometheus: stand-in', panels: [{ id: 'users', title: 'Simulated users', fetchUrl: '/extras/users' }], charts: [] });
    expect(state.examples).toEqual(['/prerelease board 1.1.0', '/release board']);
  });

  it('starts as the first identity when the page does not say, and refuses identities that are not workspace users', async () => {
    expect((await (await fetch(`${world.console.url}/api/state`)).json()) as ConsoleState).toMatchObject({ you: DANA });
    await expect(startConsole({ slack: world.slack, botUrl: world.botUrl, signingSecret: SECRET, identities: [{ id: 'U0GHOST001', name: 'Ghost', role: 'nobody' }], port: 0 })).rejects.toThrow(
      'identity Ghost (U0GHOST001) is not a user of the fake workspace',
    );
    await expect(startConsole({ slack: world.slack, botUrl: world.botUrl, signingSecret: SECRET, identities: IDENTITIES, port: 0, extras: { routes: { '/api/state': () => ({}) } } })).rejects.toThrow(
      'extras route /api/state',
    );
  });
});
