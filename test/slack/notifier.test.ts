import { once } from 'node:events';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ThreadNote } from '../../src/deploy/records.js';
import type { DeployStore, StoredDeploy } from '../../src/deploy/store-port.js';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack/server.js';
import type { FakeMessage } from '../../src/sandbox/slack/workspace.js';
import { createNotifier, type Notifier } from '../../src/slack/notifier.js';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { exampleService } from '../support/catalog.js';
import { manualClock } from '../support/manual-clock.js';
import { FakeDeployStore } from './fake-deploy-store.js';

const TOKEN = 'xoxb-notifier-test';
const CHANNEL = 'C0DEPLOYS1';
const RELEASE_CHANNEL = 'C0RELEASE1';
const INTERVAL = 2000;

let slack: FakeSlack;
let store: FakeDeployStore;
let clock: ReturnType<typeof manualClock>;
let notifier: Notifier;

beforeEach(async () => {
  slack = await startFakeSlack({ token: TOKEN, channels: [{ id: CHANNEL, name: 'deploys' }, { id: RELEASE_CHANNEL, name: 'releases' }], users: [] });
  store = new FakeDeployStore();
  clock = manualClock();
  notifier = notifierFor(exampleService());
});

function notifierFor(service: ServiceConfig, on: DeployStore = store): Notifier {
  return createNotifier({
    store: on,
    client: new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
    catalog: { services: { board: service } },
    render: (deploy) => ({
      text: `board ${deploy.version}: ${deploy.state} (revision ${deploy.revision})`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${deploy.state}* revision ${deploy.revision}` } }],
    }),
    clock,
    minUpdateIntervalMs: INTERVAL,
  });
}

afterEach(async () => {
  await notifier.stop();
  await slack.close();
});

const text = (t: string): ThreadNote => ({ type: 'text', text: t });
const announce = (patch: Partial<Extract<ThreadNote, { type: 'announce' }>> = {}): ThreadNote => ({
  type: 'announce',
  version: '1.42.0',
  from: '1.41.0',
  entries: [{ sha: 'c0ffee1c0ffee1c0ffee1c0ffee1c0ffee1c0ffe', subject: 'BOARD-7 faster joins', author: 'Dana', date: '2026-11-20T10:00:00Z', issueKeys: ['BOARD-7'] }],
  omitted: 0,
  ...patch,
});

async function newDeploy(id = 'pr-0001'): Promise<StoredDeploy> {
  const now = clock.now();
  return store.createDeploy(
    { id, service: 'board', kind: 'prerelease', version: '1.42.0', state: 'requested', actor: 'U0ALICE01', reason: null, facts: {}, wakeAt: now, at: now },
    { actor: 'U0ALICE01', action: 'request' },
  );
}

async function step(id: string, toState: string, notes: ThreadNote[] = []): Promise<StoredDeploy> {
  const deploy = (await store.getDeploy(id)) as StoredDeploy;
  return store.commitStep({
    deployId: id,
    expectedRevision: deploy.revision,
    fromState: deploy.state,
    toState,
    facts: deploy.facts,
    wakeAt: null,
    outcome: null,
    finishedAt: null,
    startedAt: clock.now(),
    at: clock.now(),
    summary: null,
    audit: [],
    consumedActionIds: [],
    notes,
  });
}

/**
 * The store of a bot that dies at its nth `write`: just before it (the outbox never hears what
 * Slack did) or just after it. A dead bot does nothing more, so the write never returns.
 */
function dyingAt(write: 'markNoteSending' | 'markNoteSent', nth: number, when: 'before' | 'after') {
  let die = () => {};
  const died = new Promise<void>((resolve) => (die = resolve));
  let seen = 0;
  const dying = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name !== write || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (++seen < nth) return value.apply(target, args);
        if (when === 'after') await value.apply(target, args);
        die();
        return new Promise(() => {});
      };
    },
  });
  return { store: dying, died };
}

/** Runs a bot on `dying` until it dies, as a SIGKILL would leave it. */
async function crash(dying: ReturnType<typeof dyingAt>): Promise<void> {
  void notifierFor(exampleService(), dying.store).flush();
  await dying.died;
}

const parentOf = async (id: string) => (await store.getDeploy(id)) as StoredDeploy;
const threadTexts = async (id: string) => slack.workspace.thread(CHANNEL, (await parentOf(id)).slackTs as string).map((m) => m.text);
const calls = (method: string) => slack.workspace.calls(method).length;

describe('notifier', () => {
  it('edits the parent a crashed bot posted but never recorded, found by its metadata, instead of posting a second', async () => {
    await newDeploy();
    const bot = slack.workspace.bot;
    const earlier = slack.workspace.post(CHANNEL, { user: bot.userId, bot_id: bot.botId, text: 'board 1.42.0: requested', metadata: { event_type: 'release_bot_deploy', event_payload: { deploy_id: 'pr-0001' } } });
    await step('pr-0001', 'launching');

    await notifier.flush();

    expect(calls('chat.postMessage')).toBe(0);
    expect(slack.workspace.messages(CHANNEL)).toHaveLength(1);
    expect(slack.workspace.calls('chat.update').map((c) => c.args.ts)).toEqual([earlier.ts]);
    expect(await parentOf('pr-0001')).toMatchObject({ slackChannel: CHANNEL, slackTs: earlier.ts, renderedRevision: 2 });
  });

  it('posts the parent message once into the deploy channel, then edits it in place with text and blocks', async () => {
    await newDeploy();
    await notifier.flush();
    await notifier.flush();

    const posted = slack.workspace.messages(CHANNEL);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ text: 'board 1.42.0: requested (revision 1)', metadata: { event_type: 'release_bot_deploy', event_payload: { deploy_id: 'pr-0001' } } });
    expect(await parentOf('pr-0001')).toMatchObject({ slackChannel: CHANNEL, slackTs: posted[0].ts, renderedRevision: 1 });

    await step('pr-0001', 'launching');
    clock.advance(INTERVAL);
    await notifier.flush();

    expect(calls('chat.postMessage')).toBe(1);
    expect(slack.workspace.calls('chat.update').map((c) => c.args)).toEqual([
      { channel: CHANNEL, ts: posted[0].ts, text: 'board 1.42.0: launching (revision 2)', blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '*launching* revision 2' } }]) },
    ]);
    expect(slack.workspace.messages(CHANNEL)).toMatchObject([{ ts: posted[0].ts, text: 'board 1.42.0: launching (revision 2)' }]);
    expect(await parentOf('pr-0001')).toMatchObject({ renderedRevision: 2 });
  });

  it('coalesces five quick revisions into at most two edits within the update interval', async () => {
    await newDeploy();
    await notifier.flush();
    clock.advance(10 * INTERVAL);

    for (const state of ['launching', 'registering', 'in_service', 'soaking', 'soaking']) {
      await step('pr-0001', state);
      await notifier.flush();
      clock.advance(INTERVAL / 5);
    }
    expect(calls('chat.update')).toBeLessThanOrEqual(2);

    clock.advance(INTERVAL);
    await notifier.flush();
    expect(calls('chat.update')).toBe(2);
    expect(slack.workspace.messages(CHANNEL)[0].text).toBe('board 1.42.0: soaking (revision 6)');
  });

  it('posts thread notes under the parent, in the order they were written, each carrying its outbox id, without reading the thread', async () => {
    await newDeploy();
    await step('pr-0001', 'launching', [text('first'), text('second')]);
    await step('pr-0001', 'registering', [text('third')]);

    await notifier.flush();

    expect(await threadTexts('pr-0001')).toEqual(['first', 'second', 'third']);
    expect(store.outbox.every((n) => n.sentAt !== null && n.slackTs !== null)).toBe(true);
    expect(slack.workspace.messages(CHANNEL)[0].reply_count).toBe(3);
    const thread = slack.workspace.thread(CHANNEL, (await parentOf('pr-0001')).slackTs as string);
    expect(thread.map((m) => m.metadata)).toEqual(store.outbox.map((n) => ({ event_type: 'release_bot_note', event_payload: { deploy_id: 'pr-0001', note_id: String(n.id) } })));
    expect(calls('conversations.replies')).toBe(0);
  });

  it('posts a thread note once when the bot died after Slack took it and before the outbox recorded it: the restarted bot finds it by its metadata', async () => {
    await newDeploy();
    await step('pr-0001', 'launching', [text('first'), text('second')]);
    await crash(dyingAt('markNoteSent', 1, 'before'));
    expect(await threadTexts('pr-0001')).toEqual(['first']);
    expect(store.outbox[0]).toMatchObject({ sentAt: null, sendingSince: clock.now() });

    await notifier.flush();

    expect(await threadTexts('pr-0001')).toEqual(['first', 'second']);
    const thread = slack.workspace.thread(CHANNEL, (await parentOf('pr-0001')).slackTs as string);
    expect(store.outbox).toMatchObject([
      { sentAt: clock.now(), slackTs: thread[0].ts },
      { sentAt: clock.now(), slackTs: thread[1].ts },
    ]);
    expect(slack.workspace.calls('conversations.replies').map((c) => c.args)).toMatchObject([{ channel: CHANNEL, ts: thread[0].thread_ts, include_all_metadata: 'true' }]);
  });

  it('posts a note once when the bot died after recording that it began but before Slack had it', async () => {
    await newDeploy();
    await step('pr-0001', 'launching', [text('first'), text('second')]);
    await crash(dyingAt('markNoteSending', 1, 'after'));
    expect(await threadTexts('pr-0001')).toEqual([]);

    await notifier.flush();

    expect(await threadTexts('pr-0001')).toEqual(['first', 'second']);
    expect(calls('conversations.replies')).toBe(1);
    expect(store.outbox.every((n) => n.sentAt !== null)).toBe(true);
  });

  it('looks for a note Slack answered with a server error before posting it again, and finds it', async () => {
    await newDeploy();
    await notifier.flush();
    slack.workspace.once('message-posted', () => {
      throw new Error('the answer was lost');
    });
    await step('pr-0001', 'launching', [text('first'), text('second')]);

    await notifier.flush();
    expect(store.outbox[0]).toMatchObject({ sentAt: null, attempts: 1, sendingSince: clock.now() });
    expect(await threadTexts('pr-0001')).toEqual(['first']);

    clock.advance(1000);
    await notifier.flush();

    expect(await threadTexts('pr-0001')).toEqual(['first', 'second']);
    expect(calls('conversations.replies')).toBe(1);
    const thread = slack.workspace.thread(CHANNEL, (await parentOf('pr-0001')).slackTs as string);
    expect(store.outbox.map((n) => n.slackTs)).toEqual(thread.map((m) => m.ts));
  });

  it('waits out a 429 on chat.postMessage and then delivers every note, none lost, order kept', async () => {
    await newDeploy('pr-000a');
    await newDeploy('pr-000b');
    await notifier.flush();
    await step('pr-000a', 'launching', [text('a1'), text('a2'), text('a3')]);
    await step('pr-000b', 'launching', [text('b1'), text('b2')]);
    slack.rateLimit('chat.postMessage', 2, 3);

    await notifier.flush();
    expect(store.outbox[0]).toMatchObject({ sentAt: null, attempts: 1, lastError: 'ratelimited, retry after 3s', nextAttemptAt: clock.now() + 3000 });
    await notifier.flush();
    expect(calls('chat.postMessage')).toBe(3);

    clock.advance(3000);
    await notifier.flush();
    expect(await threadTexts('pr-000a')).toEqual([]);

    clock.advance(3000);
    await notifier.flush();
    expect(await threadTexts('pr-000a')).toEqual(['a1', 'a2', 'a3']);
    expect(await threadTexts('pr-000b')).toEqual(['b1', 'b2']);
    expect(store.outbox.filter((n) => n.sentAt === null)).toEqual([]);
    expect(calls('conversations.replies')).toBe(0);
  });

  it('keeps a note that Slack refuses, with its error and a backoff, and holds back the later notes of that thread', async () => {
    await newDeploy();
    await notifier.flush();
    slack.workspace.remove(slack.workspace.messages(CHANNEL)[0]);
    await step('pr-0001', 'launching', [text('one'), text('two')]);

    await notifier.flush();

    expect(slack.workspace.calls('chat.postMessage').map((c) => c.error ?? 'ok')).toEqual(['ok', 'thread_not_found']);
    expect(store.outbox).toMatchObject([
      { sentAt: null, attempts: 1, lastError: 'thread_not_found', nextAttemptAt: clock.now() + 1000 },
      { sentAt: null, attempts: 0 },
    ]);
  });

  it('flushes on its own once started and when poked', async () => {
    notifier.start();
    const posted = once(slack.workspace, 'message-posted') as Promise<[FakeMessage]>;
    await newDeploy();
    notifier.poke();

    const [message] = await posted;
    expect(message.text).toBe('board 1.42.0: requested (revision 1)');
    await notifier.stop();
  });

  it('posts an announcement as its own message in the release channel, linked to the thread, in its turn among the notes', async () => {
    await newDeploy();
    await step('pr-0001', 'announcing', [text('before'), announce(), text('after')]);

    await notifier.flush();

    const parent = await parentOf('pr-0001');
    expect(await threadTexts('pr-0001')).toEqual(['before', 'after']);
    const announced = slack.workspace.messages(RELEASE_CHANNEL);
    expect(announced).toHaveLength(1);
    expect(announced[0].thread_ts).toBeUndefined();
    expect(announced[0].text).toBe('board 1.42.0 released: 1 commit');
    expect(JSON.stringify(announced[0].blocks)).toContain(`/archives/${CHANNEL}/p${(parent.slackTs as string).replace('.', '')}|The release thread>`);
    const posts = slack.workspace.calls('chat.postMessage').map((c) => [c.args.channel, c.args.thread_ts ?? null]);
    expect(posts).toEqual([
      [CHANNEL, null],
      [CHANNEL, parent.slackTs],
      [RELEASE_CHANNEL, null],
      [CHANNEL, parent.slackTs],
    ]);
    expect(store.outbox.every((n) => n.sentAt !== null)).toBe(true);
  });

  it('announces once when the bot died after Slack took the announcement and before the outbox recorded it', async () => {
    await newDeploy();
    await step('pr-0001', 'announcing', [text('before'), announce(), text('after')]);
    await crash(dyingAt('markNoteSent', 2, 'before'));
    expect(slack.workspace.messages(RELEASE_CHANNEL)).toHaveLength(1);

    await notifier.flush();

    const announced = slack.workspace.messages(RELEASE_CHANNEL);
    expect(announced).toHaveLength(1);
    expect(await threadTexts('pr-0001')).toEqual(['before', 'after']);
    expect(store.outbox[1]).toMatchObject({ sentAt: clock.now(), slackTs: announced[0].ts });
    expect(slack.workspace.calls('conversations.history').filter((c) => c.args.channel === RELEASE_CHANNEL)).toHaveLength(1);
    expect(calls('conversations.replies')).toBe(0);
  });

  it('keeps the thread link the workflow gave', async () => {
    await newDeploy();
    await step('pr-0001', 'announcing', [announce({ threadLink: 'https://acme.slack.com/archives/C0DEPLOYS1/p1' })]);

    await notifier.flush();

    expect(calls('chat.getPermalink')).toBe(0);
    expect(JSON.stringify(slack.workspace.messages(RELEASE_CHANNEL)[0].blocks)).toContain('<https://acme.slack.com/archives/C0DEPLOYS1/p1|The release thread>');
  });

  it('holds back the notes after an announcement Slack could not take yet, so the thread never gets ahead of it', async () => {
    await newDeploy();
    await step('pr-0001', 'released', [text('before')]);
    await notifier.flush();
    await step('pr-0001', 'announcing', [announce(), text('after')]);
    slack.rateLimit('chat.postMessage', 1, 30);

    await notifier.flush();
    expect(await threadTexts('pr-0001')).toEqual(['before']);
    expect(store.outbox).toMatchObject([{ sentAt: expect.any(Number) }, { sentAt: null, attempts: 1, lastError: 'ratelimited, retry after 30s' }, { sentAt: null, attempts: 0 }]);

    clock.advance(31_000);
    await notifier.flush();
    expect(await threadTexts('pr-0001')).toEqual(['before', 'after']);
    expect(slack.workspace.messages(RELEASE_CHANNEL)).toHaveLength(1);
  });

  it.each([
    ['the bot was removed from it', 'not_in_channel', RELEASE_CHANNEL, (s: FakeSlack) => s.workspace.setBotMember(RELEASE_CHANNEL, false)],
    ['it does not exist', 'channel_not_found', 'C0NOWHERE1', () => undefined],
  ])('says in the thread, in the announcement\'s place, that the release channel refused it for good (%s), and goes on', async (_why, code, channel, refuse) => {
    await notifier.stop();
    notifier = notifierFor({ ...exampleService(), slack: { deployChannel: CHANNEL, releaseChannel: channel } });
    refuse(slack);
    await newDeploy();
    await step('pr-0001', 'announcing', [text('before'), announce(), text('after')]);

    for (let pass = 0; pass < 3; pass++) await notifier.flush();

    const thread = await threadTexts('pr-0001');
    expect(thread).toHaveLength(3);
    expect(thread[0]).toBe('before');
    expect(thread[1]).toContain(`⚠️ *Slack:* Slack refused the release announcement in &lt;#${channel}&gt;: ${code}`);
    expect(thread[1]).toContain('*What I did:* The release announcement was not posted and will not be tried again; the changelog is in this thread.');
    expect(thread[2]).toBe('after');
    expect(slack.workspace.calls('chat.postMessage').filter((c) => c.args.channel === channel)).toHaveLength(1);
    expect((await store.audit({ deployId: 'pr-0001' })).map((a) => a.action)).toContain('announcement_not_posted');
  });
});
