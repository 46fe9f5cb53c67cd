import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { HOLD_ACTIONS } from '../../src/slack/blocks/hold.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { APPROVE_REASON_CALLBACK, FORCE_REASON_CALLBACK } from '../../src/slack/blocks/reason-modal.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { ROLES, startSlackHarness, type SlackHarness } from '../support/slack-harness.js';

const { approver, releaser } = ROLES;
const UNKNOWN_PRERELEASE = /pre-release the bot does not know.*\/prerelease list/;
const UNKNOWN_RELEASE = /release the bot does not know.*\/release status/;

interface Click {
  case: string;
  user: string;
  action: string;
  /** The button's value: a deploy it makes (by its id) or a forged string. */
  value: (h: SlackHarness) => Promise<string>;
  /** What was wrong and what would be valid, both in the ephemeral answer. */
  told: RegExp;
}

const id = (make: (h: SlackHarness) => Promise<StoredDeploy>) => async (h: SlackHarness) => (await make(h)).id;
const forged = (value: string) => async () => value;

const CLICKS: Click[] = [
  { case: 'a value that is JSON, not a deploy id', user: approver, action: PRERELEASE_ACTIONS.approve, value: async (h) => JSON.stringify({ deployId: (await h.prerelease()).id }), told: UNKNOWN_PRERELEASE },
  { case: 'an empty value', user: approver, action: PRERELEASE_ACTIONS.reject, value: forged(''), told: UNKNOWN_PRERELEASE },
  { case: 'a deploy id in the wrong shape', user: approver, action: PRERELEASE_ACTIONS.approve, value: async (h) => (await h.prerelease()).id.toUpperCase(), told: UNKNOWN_PRERELEASE },
  { case: 'a path in the value', user: releaser, action: RELEASE_ACTIONS.start, value: forged('../../rl-seed1'), told: UNKNOWN_RELEASE },
  { case: 'SQL in the value', user: releaser, action: RELEASE_ACTIONS.rollback, value: forged("rl-x'; DROP TABLE deploys; --"), told: UNKNOWN_RELEASE },
  { case: 'a well-formed id nobody made', user: approver, action: PRERELEASE_ACTIONS.approve, value: forged('pr-0123456789'), told: UNKNOWN_PRERELEASE },
  { case: 'a release id on a pre-release button', user: approver, action: PRERELEASE_ACTIONS.approve, value: id((h) => h.release('planned')), told: UNKNOWN_PRERELEASE },
  { case: 'a pre-release id on a release button', user: releaser, action: RELEASE_ACTIONS.start, value: id((h) => h.prerelease()), told: UNKNOWN_RELEASE },
  { case: 'Start on a release that has started', user: releaser, action: RELEASE_ACTIONS.start, value: id((h) => h.release('launching')), told: /already started.*Watch the thread/ },
  { case: 'Cancel on a release that has started', user: releaser, action: RELEASE_ACTIONS.cancel, value: id((h) => h.release('draining')), told: /cannot be cancelled.*Use Rollback/ },
  { case: 'Approve on a canary that is still launching', user: approver, action: PRERELEASE_ACTIONS.approve, value: id((h) => h.prerelease('launching')), told: /not soaking yet \(it is launching\).*once the thread says the canary is in service/ },
  { case: 'Reject on a canary already being rolled back', user: approver, action: PRERELEASE_ACTIONS.reject, value: id((h) => h.prerelease('rolling_back')), told: /rolling back; it can no longer be rejected/ },
  { case: 'Resume on a release that is not paused', user: releaser, action: RELEASE_ACTIONS.resume, value: id((h) => h.release('draining')), told: /not paused/ },
  { case: 'Pause on a planned release', user: releaser, action: RELEASE_ACTIONS.pause, value: id((h) => h.release('planned')), told: /planned; there is nothing to pause.*launching, gating, closing, draining or retiring/ },
  {
    case: 'Terminate anyway when no server is in question',
    user: releaser,
    action: RELEASE_ACTIONS.force,
    value: id((h) => h.release('paused', { pausedFrom: 'draining', pause: { kind: 'user', reason: 'by hand', instanceIds: [], at: 0, by: releaser } })),
    told: /no server waiting for a decision/,
  },
  { case: 'Rollback once the old servers are being retired', user: releaser, action: RELEASE_ACTIONS.rollback, value: id((h) => h.release('announcing')), told: /old servers are gone.*\/release board 1\.0\.0/ },
  { case: 'Approve on a rejected pre-release', user: approver, action: PRERELEASE_ACTIONS.approve, value: id((h) => h.prerelease('soaking', {}, 'rejected')), told: /has ended \(rejected\).*\/prerelease board <version>/ },
  { case: 'Pause on a released release', user: releaser, action: RELEASE_ACTIONS.pause, value: id((h) => h.release('draining', {}, 'released')), told: /has ended \(released\).*\/release board/ },
  { case: 'Retry on a release that is not stopped', user: releaser, action: HOLD_ACTIONS.retry, value: id((h) => h.release('draining')), told: /not stopped on a failure.*watch the thread/ },
  { case: 'Skip where skipping is not safe', user: releaser, action: HOLD_ACTIONS.skip, value: id(async (h) => h.stop(await h.release('registering'), { skip: null, operation: 'RegisterTargets' })), told: /Skipping the registering step is not safe.*Retry, or roll back/ },
  { case: 'Retry on a pre-release that has ended', user: approver, action: HOLD_ACTIONS.retry, value: id((h) => h.prerelease('soaking', {}, 'rejected')), told: /has ended \(rejected\).*Nothing to retry or skip/ },
  { case: 'Pause on a release stopped on a failure', user: releaser, action: RELEASE_ACTIONS.pause, value: id(async (h) => h.stop(await h.release('retiring'))), told: /already stopped, waiting for an answer.*Retry, Skip where offered, or Rollback/ },
  { case: 'Retry Jira when every issue was closed', user: releaser, action: RELEASE_ACTIONS.jiraRetry, value: id((h) => h.release('done', { jira: { attempted: true, results: [{ key: 'BOARD-1', transitioned: true, commented: true, problem: null }], fixVersion: 'board-1.1.0', problem: null } }, 'released')), told: /already closed.*Nothing to retry/ },
];

describe('button clicks that must change nothing, through the real Bolt app', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it.each(CLICKS.map((c) => [c.case, c] as const))('%s: says what was wrong and what would be valid', async (_case, click) => {
    const value = await click.value(h);
    const before = await h.snapshot();
    const told = await h.answerTo(click.user, () => h.click(click.user, click.action, value));
    expect(told).toMatch(click.told);
    expect(told).toContain('Nothing was changed.');
    expect(await h.snapshot()).toEqual(before);
  });

  it('a button whose action id is not the bot\'s is acknowledged and changes nothing', async () => {
    const deploy = await h.release('planned');
    const before = await h.snapshot();
    const res = await h.click(releaser, 'release_start_all_now', deploy.id);
    expect(res.status).toBeLessThan(500);
    expect(await h.snapshot()).toEqual(before);
  });

  it('a double click records one decision; the second click is told it is being carried out', async () => {
    const deploy = await h.prerelease();
    const before = await h.snapshot();
    expect(await h.answerTo(approver, () => h.click(approver, PRERELEASE_ACTIONS.approve, deploy.id))).toMatch(/Approval recorded/);
    const second = await h.answerTo(approver, () => h.click(approver, PRERELEASE_ACTIONS.approve, deploy.id));
    expect(second).toMatch(/already being carried out.*nothing more is needed/);
    expect((await h.snapshot()).actions).toBe(before.actions + 1);
  });

  it('the same click delivered again by Slack (X-Slack-Retry-Num) is recorded once', async () => {
    const deploy = await h.release('draining');
    const before = await h.snapshot();
    const responseUrl = h.slack.createResponseUrl({ user: releaser, channel: 'C0DEPLOYS1' });
    await h.answerTo(releaser, () => h.click(releaser, RELEASE_ACTIONS.pause, deploy.id, { responseUrl }));
    await h.answerTo(releaser, () => h.click(releaser, RELEASE_ACTIONS.pause, deploy.id, { responseUrl, retryNum: 1 }));
    const after = await h.snapshot();
    expect(after.actions).toBe(before.actions + 1);
    expect(after.audit).toBe(before.audit + 1);
    expect((await h.store.pendingActions(deploy.id)).map((a) => [a.action, a.actor])).toEqual([['pause', releaser]]);
  });

  describe('reason dialogs submitted with a bad reason or for the wrong deploy', () => {
    const early = (h: SlackHarness) => h.prerelease('soaking', { soakStartedAt: h.clock.now() - 60_000 });
    const unknownServer = (h: SlackHarness) =>
      h.release('paused', { pausedFrom: 'draining', pause: { kind: 'unknown', reason: 'no count for i-0001', instanceIds: ['i-0001'], at: 0, by: releaser } });

    it.each([
      ['an empty reason for an early approval', approver, APPROVE_REASON_CALLBACK, early, null, /minimum soak is not over.*at least 3 characters/],
      ['a two-letter reason for an early approval', approver, APPROVE_REASON_CALLBACK, early, 'ok', /minimum soak is not over.*at least 3 characters/],
      ['a reason of only spaces', approver, APPROVE_REASON_CALLBACK, early, '    ', /minimum soak is not over.*at least 3 characters/],
      ['a reason longer than the dialog allows', approver, APPROVE_REASON_CALLBACK, early, 'x'.repeat(5000), /at most 500 characters/],
      ['an empty reason to terminate servers of unknown count', releaser, FORCE_REASON_CALLBACK, unknownServer, '', /without confirmed empty boards needs a reason/],
      ['a forged deploy id in the dialog', approver, APPROVE_REASON_CALLBACK, async () => ({ id: 'not a deploy' }) as StoredDeploy, 'because', /pre-release the bot does not know/],
      ['a terminate reason from someone who may not release', approver, FORCE_REASON_CALLBACK, unknownServer, 'I checked it', /not allowed to release board/],
      ['an approval reason for a pre-release that has ended', approver, APPROVE_REASON_CALLBACK, (h: SlackHarness) => h.prerelease('soaking', {}, 'rolled_back'), 'still good', /has ended \(rolled_back\)/],
    ] as const)('%s: the dialog shows what was wrong and nothing is recorded', async (_case, user, callback, make, reason, told) => {
      const deploy = await make(h);
      const before = await h.snapshot();
      const answer = await h.submitReason(user, callback, deploy.id, reason);
      expect(answer.status).toBe(200);
      const parsed = JSON.parse(answer.body) as { response_action: string; errors: Record<string, string> };
      expect(parsed.response_action).toBe('errors');
      expect(Object.values(parsed.errors).join(' ')).toMatch(told);
      expect(await h.snapshot()).toEqual(before);
    });
  });
});
