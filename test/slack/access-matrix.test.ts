import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseFacts } from '../../src/deploy/release/facts.js';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { HOLD_ACTIONS } from '../../src/slack/blocks/hold.js';
import { FORCE_REASON_CALLBACK, SKIP_REASON_CALLBACK } from '../../src/slack/blocks/reason-modal.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { ROLES, startSlackHarness, type Role, type SlackHarness } from '../support/slack-harness.js';

type Snapshot = Awaited<ReturnType<SlackHarness['snapshot']>>;

interface Row {
  action: string;
  allowed: Role[];
  /** The refusal a role outside `allowed` gets: what it may not do, and the groups that may. */
  refusal: RegExp;
  /** Puts a deploy in the state where the action makes sense (none for commands). */
  setup?: (h: SlackHarness) => Promise<StoredDeploy>;
  /** Performs the action as `user`; returns what the user was told. */
  attempt: (h: SlackHarness, user: string, deploy: StoredDeploy | undefined) => Promise<string>;
  /** What an allowed attempt tells the user and leaves behind. */
  done: RegExp;
  changed: (before: Snapshot, after: Snapshot) => void;
}

const paused = (kind: 'user' | 'unknown'): Partial<ReleaseFacts> => ({
  pausedFrom: 'draining',
  pause: { kind, reason: kind === 'user' ? 'paused by hand' : 'count of i-0001 unknown', instanceIds: kind === 'user' ? [] : ['i-0001'], at: 0, by: ROLES.releaser },
});
const press = (actionId: string) => (h: SlackHarness, user: string, deploy: StoredDeploy | undefined) => h.answerTo(user, () => h.click(user, actionId, deploy!.id));
const oneMoreAction = (before: Snapshot, after: Snapshot) => expect(after.actions).toBe(before.actions + 1);
/** Skip asks why in a dialog; its submission records the answer. */
const skipWithReason = async (h: SlackHarness, user: string, deploy: StoredDeploy | undefined) => {
  const told = await press(HOLD_ACTIONS.skip)(h, user, deploy);
  if (!told.startsWith(`dialog ${SKIP_REASON_CALLBACK}`)) return told;
  const submitted = await h.submitReason(user, SKIP_REASON_CALLBACK, deploy!.id, 'terminated by hand in the console');
  return submitted.body === '' ? 'Recorded with a reason' : submitted.body;
};

const releaserOnly = { allowed: ['releaser'] as Role[], refusal: /not allowed to release board.*access\.release.*<!subteam\^S0RELEASERS>/ };
const approverOnly = { allowed: ['approver'] as Role[], refusal: /not allowed to approve or reject board.*access\.approve.*<!subteam\^S0APPROVERS>/ };

/** Every command and every button of the bot; rows with commands first, since a seeded pre-release of 1.1.0 would block `/prerelease board 1.1.0`. */
const ROWS: Row[] = [
  {
    action: '/prerelease board 1.1.0',
    allowed: ['deployer'],
    refusal: /not allowed to pre-release board.*access\.deploy.*<!subteam\^S0DEPLOYERS>/,
    attempt: (h, user) => h.answerTo(user, () => h.command(user, 'board 1.1.0', '/prerelease')),
    done: /Pre-release pr-made\d+ of board 1\.1\.0 started/,
    changed: (before, after) => expect(after.deploys).toHaveLength(before.deploys.length + 1),
  },
  {
    action: '/release board 1.1.0 --reason …',
    ...releaserOnly,
    attempt: (h, user) => h.answerTo(user, () => h.command(user, 'board 1.1.0 --reason access matrix', '/release')),
    done: /Release plan rl-made\d+ for board 1\.1\.0 posted/,
    changed: (before, after) => {
      expect(after.deploys).toHaveLength(before.deploys.length + 1);
      expect(after.lock).toMatch(/^rl-made/);
    },
  },
  {
    action: '/release check board',
    allowed: ['deployer', 'approver', 'releaser'],
    refusal: /not allowed to check board.*access\.deploy or access\.approve or access\.release/,
    attempt: (h, user) => h.answerTo(user, () => h.command(user, 'check board', '/release')),
    done: /Pre-flight check of board: all 1 checks ok/,
    changed: (before, after) => expect(after.preflightRuns).toBe(before.preflightRuns + 1),
  },
  { action: 'Approve', ...approverOnly, setup: (h) => h.prerelease(), attempt: press(PRERELEASE_ACTIONS.approve), done: /Approval recorded/, changed: oneMoreAction },
  { action: 'Reject', ...approverOnly, setup: (h) => h.prerelease(), attempt: press(PRERELEASE_ACTIONS.reject), done: /Rejection recorded/, changed: oneMoreAction },
  {
    action: 'Extend soak',
    allowed: ['deployer', 'approver'],
    refusal: /not allowed to extend the soak of board.*access\.deploy or access\.approve.*<!subteam\^S0DEPLOYERS>, <!subteam\^S0APPROVERS>/,
    setup: (h) => h.prerelease(),
    attempt: press(PRERELEASE_ACTIONS.extend),
    done: /Soak extended/,
    changed: oneMoreAction,
  },
  { action: 'Start', ...releaserOnly, setup: (h) => h.release('planned'), attempt: press(RELEASE_ACTIONS.start), done: /Release started/, changed: oneMoreAction },
  { action: 'Cancel', ...releaserOnly, setup: (h) => h.release('planned'), attempt: press(RELEASE_ACTIONS.cancel), done: /Release cancelled/, changed: oneMoreAction },
  { action: 'Pause', ...releaserOnly, setup: (h) => h.release('draining'), attempt: press(RELEASE_ACTIONS.pause), done: /Pause recorded/, changed: oneMoreAction },
  { action: 'Resume', ...releaserOnly, setup: (h) => h.release('paused', paused('user')), attempt: press(RELEASE_ACTIONS.resume), done: /Resume recorded/, changed: oneMoreAction },
  { action: 'Wait (drain question)', ...releaserOnly, setup: (h) => h.release('paused', paused('unknown')), attempt: press(RELEASE_ACTIONS.wait), done: /Waiting longer/, changed: oneMoreAction },
  {
    action: 'Terminate anyway (drain question)',
    ...releaserOnly,
    setup: (h) => h.release('paused', paused('unknown')),
    // Allowed: the button opens the reason dialog, and its submission records the decision.
    attempt: async (h, user, deploy) => {
      const told = await press(RELEASE_ACTIONS.force)(h, user, deploy);
      if (!told.startsWith(`dialog ${FORCE_REASON_CALLBACK}`)) return told;
      const submitted = await h.submitReason(user, FORCE_REASON_CALLBACK, deploy!.id, 'checked the server by hand');
      return submitted.body === '' ? 'Recorded with a reason' : submitted.body;
    },
    done: /Recorded with a reason/,
    changed: oneMoreAction,
  },
  { action: 'Rollback', ...releaserOnly, setup: (h) => h.release('draining'), attempt: press(RELEASE_ACTIONS.rollback), done: /Rollback recorded/, changed: oneMoreAction },
  { action: 'Retry (a stopped release)', ...releaserOnly, setup: async (h) => h.stop(await h.release('retiring')), attempt: press(HOLD_ACTIONS.retry), done: /Retry recorded/, changed: oneMoreAction },
  { action: 'Skip (a stopped release)', ...releaserOnly, setup: async (h) => h.stop(await h.release('retiring')), attempt: skipWithReason, done: /Recorded with a reason/, changed: oneMoreAction },
  {
    action: 'Retry (a stopped pre-release)',
    allowed: ['deployer', 'approver'],
    refusal: /not allowed to retry a step of board.*access\.deploy or access\.approve/,
    setup: async (h) => h.stop(await h.prerelease('launching'), { skip: null }),
    attempt: press(HOLD_ACTIONS.retry),
    done: /Retry recorded/,
    changed: oneMoreAction,
  },
  { action: 'Skip (a stopped pre-release)', ...approverOnly, setup: async (h) => h.stop(await h.prerelease('rolling_back')), attempt: skipWithReason, done: /Recorded with a reason/, changed: oneMoreAction },
  {
    action: 'Retry Jira',
    ...releaserOnly,
    setup: (h) => h.release('done', { jira: { attempted: true, results: [{ key: 'BOARD-1', transitioned: false, commented: false, problem: 'Jira answered 503' }], fixVersion: null, problem: null } }, 'released'),
    attempt: press(RELEASE_ACTIONS.jiraRetry),
    done: /Jira retried/,
    changed: (before, after) => {
      expect(after.tickets).toBe(before.tickets + 1);
      // The press, then the outcome, which consumes the press: none stays pending to block the next one.
      expect(after.audit).toBe(before.audit + 2);
      expect(after.actions).toBe(before.actions);
    },
  },
];

const CASES = ROWS.flatMap((row) => (Object.keys(ROLES) as Role[]).map((role) => ({ row, role, allowed: row.allowed.includes(role) })));

describe('who may do what: every command and button, for every role', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it.each(CASES.map((c) => [c.row.action, c.role, c.allowed ? 'allowed' : 'refused', c] as const))('%s by the %s: %s', async (_action, role, _verdict, { row, allowed }) => {
    const deploy = row.setup ? await row.setup(h) : undefined;
    const before = await h.snapshot();
    const told = await row.attempt(h, ROLES[role], deploy);
    const after = await h.snapshot();
    if (allowed) {
      expect(told).toMatch(row.done);
      row.changed(before, after);
    } else {
      expect(told).toMatch(row.refusal);
      expect(told).toContain('Nothing was changed.');
      expect(after).toEqual(before);
    }
  });
});
