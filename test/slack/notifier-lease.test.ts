import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Leadership } from '../../src/deploy/runner.js';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack/server.js';
import { createNotifier } from '../../src/slack/notifier.js';
import { openStore } from '../../src/store/open-store.js';
import { exampleService } from '../support/catalog.js';
import { manualClock } from '../support/manual-clock.js';

const TOKEN = 'xoxb-notifier-lease-test';
const CHANNEL = 'C0DEPLOYS1';

/** Only the leader talks to Slack for the deploys; a deposed one leaves its notes as a crash would. */
describe('notifier: posts only while this process leads', () => {
  let slack: FakeSlack;
  let store: Awaited<ReturnType<typeof openStore>>;
  let clock: ReturnType<typeof manualClock>;
  let leads: boolean;
  let lost: number;

  const leadership: Leadership = { holder: 'A', held: () => leads, lost: () => void lost++ };
  const notifier = () =>
    createNotifier({
      store,
      client: new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
      catalog: { services: { board: exampleService() } },
      render: (deploy) => ({ text: `${deploy.state}`, blocks: [] }),
      clock,
      leadership,
    });

  beforeEach(async () => {
    slack = await startFakeSlack({ token: TOKEN, channels: [{ id: CHANNEL, name: 'deploys' }], users: [] });
    store = await openStore({ file: ':memory:' });
    clock = manualClock();
    leads = true;
    lost = 0;
    const now = clock.now();
    await store.createDeploy(
      { id: 'pr-0001', service: 'board', kind: 'prerelease', version: '1.42.0', state: 'requested', actor: 'U0ALICE01', reason: null, facts: {}, wakeAt: now, at: now },
      { actor: 'U0ALICE01', action: 'request' },
    );
  });

  afterEach(async () => {
    await store.close();
    await slack.close();
  });

  it('posts nothing while its lease may have run out', async () => {
    await store.claimLease('A', clock.now(), 15_000);
    leads = false;
    await notifier().flush();
    expect(slack.workspace.messages(CHANNEL)).toEqual([]);
  });

  it('posts no note whose sending the store refused for want of a lease, and leaves the note as it was', async () => {
    await store.claimLease('A', clock.now(), 15_000);
    await notifier().flush();
    const [parent] = slack.workspace.messages(CHANNEL);
    expect(parent).toBeDefined();
    const now = clock.now();
    await store.commitStep({
      deployId: 'pr-0001', expectedRevision: 1, fromState: 'requested', toState: 'launching', facts: {}, wakeAt: null, outcome: null,
      finishedAt: null, startedAt: now, at: now, summary: null, audit: [], consumedActionIds: [], notes: [{ type: 'text', text: 'launching' }],
    });

    // The parent went out while A led; another process took over before the note.
    await store.releaseLease('A');
    await store.claimLease('B', clock.now(), 15_000);
    clock.advance(5_000);
    await notifier().flush();

    expect(lost).toBe(1);
    expect(slack.workspace.thread(CHANNEL, parent.ts)).toEqual([]);
    expect(await store.pendingNotes(clock.now(), 10)).toMatchObject([{ attempts: 0, sendingSince: null, lastError: null }]);
  });
});
