import type { ActionsBlock, Button, KnownBlock } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { PRERELEASE_ACTIONS } from '../../../src/slack/blocks/prerelease-actions.js';
import { renderPrereleaseParent } from '../../../src/slack/blocks/prerelease-parent.js';
import { exampleService } from '../../support/catalog.js';
import { expectAcceptedBySlack, HOUR, MINUTE, NOW, prerelease, visibleText } from '../fixtures.js';

const service = exampleService();

function buttons(blocks: KnownBlock[]): Button[] {
  return blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements as Button[]);
}

describe('pre-release parent message', () => {
  it('shows the header, status and every fact of a soaking canary', () => {
    const message = renderPrereleaseParent(prerelease(), service, NOW);

    expectAcceptedBySlack(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Pre-release board 1.42.0' } });
    const text = visibleText(message);
    expect(text).toContain('🧪 soaking');
    expect(text).toContain('<@U0ALICE01>');
    expect(text).toContain('1.41.0 → 1.42.0');
    expect(text).toContain('ami-0abc1234');
    expect(text).toContain('1/1 healthy');
    expect(text).toContain('1h 12m of 4h minimum');
    expect(text).toContain('none yet');
    expect(message.text).toBe('Pre-release board 1.42.0: 🧪 soaking');
  });

  it.each([
    ['launching', null, '🚀 launching'],
    ['registering', null, '⏳ waiting for healthy'],
    ['soaking', null, '🧪 soaking'],
    ['approved', null, '✅ approved'],
    ['done', 'approved', '✅ approved'],
    ['done', 'rolled_back', '↩️ rolled back'],
    ['done', 'rejected', '❌ rejected'],
    ['done', 'failed', '⚠️ failed'],
  ] as const)('says %s/%s as "%s"', (state, outcome, status) => {
    const deploy = prerelease({ state, outcome, finishedAt: outcome ? NOW - MINUTE : null });
    const message = renderPrereleaseParent(deploy, service, NOW);
    expectAcceptedBySlack(message);
    expect(visibleText(message)).toContain(status);
  });

  it('offers Approve, Reject and Extend, carrying the deploy id, only while soaking', () => {
    const soaking = buttons(renderPrereleaseParent(prerelease(), service, NOW).blocks);
    expect(soaking.map((b) => [b.action_id, b.value, b.style])).toEqual([
      [PRERELEASE_ACTIONS.approve, 'pr-0a1b2c3d', 'primary'],
      [PRERELEASE_ACTIONS.reject, 'pr-0a1b2c3d', 'danger'],
      [PRERELEASE_ACTIONS.extend, 'pr-0a1b2c3d', undefined],
    ]);
    expect(soaking[2].text.text).toBe('Extend soak +1h');
    expect(soaking[1].confirm?.text.text).toContain('removes the canary');

    for (const state of ['launching', 'registering', 'in_service', 'approved', 'rolling_back']) {
      expect(buttons(renderPrereleaseParent(prerelease({ state }), service, NOW).blocks)).toEqual([]);
    }
    const finished = prerelease({ state: 'done', outcome: 'approved', finishedAt: NOW });
    expect(buttons(renderPrereleaseParent(finished, service, NOW).blocks)).toEqual([]);
  });

  it('warns in the approve confirmation that a reason is needed before the minimum soak, and not after', () => {
    const early = buttons(renderPrereleaseParent(prerelease(), service, NOW).blocks)[0].confirm?.text.text;
    const late = buttons(renderPrereleaseParent(prerelease({}, { soakStartedAt: NOW - 5 * HOUR }), service, NOW).blocks)[0].confirm?.text.text;

    expect(early).toContain('not reached yet');
    expect(early).toContain('reason');
    expect(late).not.toContain('reason');
    expect(late).toContain('soaked 5h');
  });

  it('says the canary is ready to approve once the minimum soak, extensions included, has passed', () => {
    const ready = renderPrereleaseParent(prerelease({}, { soakStartedAt: NOW - 4 * HOUR - 3 * MINUTE }), service, NOW);
    expect(visibleText(ready)).toContain('4h 3m, ready to approve');

    const extended = renderPrereleaseParent(prerelease({}, { soakStartedAt: NOW - 4 * HOUR - 3 * MINUTE, extendedMs: HOUR }), service, NOW);
    expect(visibleText(extended)).toContain('4h 3m of 5h minimum');
  });

  it('counts new issues by level, most severe first', () => {
    const issue = { id: '1', shortId: 'BOARD-1', title: 't', count: 1, userCount: 1, permalink: 'https://sentry.example/1', firstSeen: '2026-11-23T11:00:00Z' };
    const deploy = prerelease({}, { seenIssues: [{ ...issue, level: 'error' }, { ...issue, id: '2', level: 'fatal' }] });
    expect(visibleText(renderPrereleaseParent(deploy, service, NOW))).toContain('2 new: 1 fatal, 1 error');
  });

  it('says when Sentry cannot be read and that the canary then cannot approve itself', () => {
    const since = Date.UTC(2026, 10, 23, 10, 42);
    const deploy = prerelease({}, { sentry: { ok: false, checkedAt: NOW - MINUTE, problem: 'HTTP 503 from sentry.io', since } });
    const text = visibleText(renderPrereleaseParent(deploy, { ...service, prerelease: { ...service.prerelease, autoApprove: true } }, NOW));

    expect(text).toContain('⚠️ Sentry unreadable since <!date^');
    expect(text).toContain('|10:42 UTC>');
    expect(text).toContain('cannot approve itself');
    expect(text).toContain('HTTP 503 from sentry.io');
  });

  it('shows the last problem and the decision with who and why', () => {
    const deploy = prerelease(
      { state: 'done', outcome: 'rejected', finishedAt: NOW },
      { problem: 'target i-0canary1 unhealthy for 3m', decision: { kind: 'rejected', by: 'U0BOB0001', reason: 'memory leak in <Board> & co', at: NOW - MINUTE } },
    );
    const message = renderPrereleaseParent(deploy, service, NOW);
    const text = visibleText(message);

    expectAcceptedBySlack(message);
    expect(text).toContain('*Last problem:* target i-0canary1 unhealthy for 3m');
    expect(text).toContain('*❌ Rejected* by <@U0BOB0001>');
    expect(text).toContain('memory leak in &lt;Board&gt; &amp; co');
    expect(text).toContain('soaked 1h 11m');
  });
});

describe('pre-release parent message under pressure', () => {
  it('stays within Slack limits when every text from outside is enormous', () => {
    const huge = 'Δ & <x> '.repeat(2000);
    const deploy = prerelease(
      { reason: huge, state: 'rolling_back' },
      {
        imageName: huge,
        problem: huge,
        healthReason: huge,
        sentry: { ok: false, checkedAt: NOW, problem: huge, since: NOW },
        decision: { kind: 'auto_rollback', by: 'release-bot', reason: huge, at: NOW },
        instanceIds: Array.from({ length: 10 }, (_, i) => `i-0canary${i}`),
      },
    );
    expectAcceptedBySlack(renderPrereleaseParent(deploy, service, NOW));
  });
});
