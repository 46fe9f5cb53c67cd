import { describe, expect, it } from 'vitest';
import type { StepHold } from '../../../src/deploy/records.js';
import { HOLD_ACTIONS } from '../../../src/slack/blocks/hold.js';
import { PRERELEASE_ACTIONS } from '../../../src/slack/blocks/prerelease-actions.js';
import { renderPrereleaseParent } from '../../../src/slack/blocks/prerelease-parent.js';
import { RELEASE_ACTIONS } from '../../../src/slack/blocks/release-actions.js';
import { renderReleaseParent } from '../../../src/slack/blocks/release-parent.js';
import { renderThreadNote } from '../../../src/slack/blocks/thread-note.js';
import { exampleService } from '../../support/catalog.js';
import { expectAcceptedBySlack, NOW, prerelease, visibleText } from '../fixtures.js';
import { release } from './release-fixtures.js';

const service = exampleService();

function hold(patch: Partial<StepHold> = {}): StepHold {
  return {
    state: 'retiring',
    kind: 'permanent',
    system: 'aws',
    code: 'UnauthorizedOperation',
    operation: 'TerminateInstances',
    problem: `AWS TerminateInstances failed with UnauthorizedOperation (HTTP 403): You are not authorized to perform this operation. ${'Encoded authorization failure message: '.padEnd(2_000, 'x')}`,
    fix: 'The bot\'s IAM policy does not allow this call: compare it with the README\'s "AWS permissions" policy.',
    since: NOW - 60_000,
    at: NOW,
    attempts: 1,
    skip: 'Leave the drained old servers running, deregistered, and finish the release; terminate them yourself later.',
    rollback: 'Move users back to the old servers, then remove the new ones.',
    skipped: null,
    ...patch,
  };
}

const actionIds = (message: { blocks: unknown[] }) =>
  (message.blocks as { type: string; elements?: { action_id?: string }[] }[]).filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []).map((e) => e.action_id));

describe('a deploy stopped on a failed step', () => {
  it('shows the question on the release parent with Retry, Skip and Rollback instead of Pause, within Slack limits however long AWS\'s message', () => {
    const message = renderReleaseParent(release({ state: 'retiring', hold: hold() }), service, NOW, { window: null });
    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(message.text).toContain('stopped while retiring: waiting for an answer');
    expect(text).toContain('*Why I stopped:* no retry can fix this (`UnauthorizedOperation`).');
    expect(text).toContain('*To fix:* The bot\'s IAM policy does not allow this call');
    expect(actionIds(message)).toEqual([HOLD_ACTIONS.retry, HOLD_ACTIONS.skip, RELEASE_ACTIONS.rollback]);
  });

  it('offers no Skip where skipping is not safe, and no Rollback where there is nothing to go back to', () => {
    const message = renderReleaseParent(release({ state: 'rolling_back', hold: hold({ state: 'rolling_back', skip: null, rollback: null, kind: 'transient', code: 'ServiceUnavailable', since: NOW - 16 * 60_000, attempts: 12 }) }), service, NOW, { window: null });
    expectAcceptedBySlack(message);
    expect(actionIds(message)).toEqual([HOLD_ACTIONS.retry]);
    expect(visibleText(message)).toContain('*Why I stopped:* it kept failing for 16m (12 attempts).');
  });

  it('shows the question on the pre-release parent with Remove canary, and no Approve while stopped', () => {
    const message = renderPrereleaseParent(prerelease({ state: 'launching', hold: hold({ state: 'launching', skip: null, rollback: 'Remove the canary.' }) }), service, NOW);
    expectAcceptedBySlack(message);
    expect(actionIds(message)).toEqual([HOLD_ACTIONS.retry, PRERELEASE_ACTIONS.reject]);
    expect(visibleText(message)).toContain('Remove canary');
  });

  it('asks the same question in the thread, and tells who answered', () => {
    const context = { id: 'rl-0a1b2c3d', service: 'board', version: '1.1.0', kind: 'release' as const };
    const question = renderThreadNote({ type: 'held', hold: hold() }, context);
    expectAcceptedBySlack(question);
    expect(actionIds(question)).toEqual([HOLD_ACTIONS.retry, HOLD_ACTIONS.skip, RELEASE_ACTIONS.rollback]);
    const answered = renderThreadNote({ type: 'hold_answered', by: 'U0ALEX0001', answer: 'skip', reason: 'terminated by hand', state: 'retiring' }, context);
    expect(visibleText(answered)).toBe('⏭️ <@U0ALEX0001> skipped the failing call of the retiring step: terminated by hand');
  });
});
