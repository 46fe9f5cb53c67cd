import { describe, expect, it } from 'vitest';
import type { ThreadNote } from '../../../src/deploy/records.js';
import { renderThreadNote } from '../../../src/slack/blocks/thread-note.js';
import { expectAcceptedBySlack, NOW, visibleText } from '../fixtures.js';

const context = { id: 'pr-0a1b2c3d', service: 'board', version: '1.42.0', kind: 'prerelease' } as const;

const notes: ThreadNote[] = [
  { type: 'requested', by: 'U0ALICE01', version: '1.42.0', imageId: 'ami-0abc1234', canaries: 2 },
  { type: 'launched', instances: [{ instanceId: 'i-0canary1', privateIp: '10.0.1.17' }, { instanceId: 'i-0canary2' }] },
  { type: 'in_service', instanceIds: ['i-0canary1'], afterMs: 7 * 60_000 + 5_000 },
  { type: 'changelog', to: 'c0ffee1', entries: [], omitted: 0 },
  {
    type: 'new_issue',
    issue: { id: '42', shortId: 'BOARD-1A', title: 'TypeError: x is undefined', level: 'error', count: 17, userCount: 4, firstSeen: '2026-11-23T10:42:00Z', permalink: 'https://acme.sentry.io/issues/42/', culprit: 'board/sync.ts in apply' },
  },
  { type: 'dependency', system: 'prometheus', problem: 'query timed out after 10s', action: 'paused the drain; board counts are unknown, nothing is terminated' },
  {
    type: 'unhealthy',
    targets: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-http/6d0ecf831eec9f09', instanceId: 'i-0canary1', state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }],
    action: 'waiting 5 more minutes before removing the canary',
  },
  { type: 'decision', decision: 'approved', by: 'U0BOB0001', reason: null, soakedMs: 4 * 3600_000 + 3 * 60_000 },
  { type: 'decision', decision: 'auto_rollback', by: 'release-bot', reason: '1 new fatal issue', soakedMs: 20 * 60_000 },
  { type: 'extended', by: 'U0BOB0001', reason: 'waiting for EU peak', minSoakEndsAt: NOW + 3600_000 },
  { type: 'removed', instanceIds: ['i-0canary1'] },
  { type: 'failed', problem: 'InsufficientInstanceCapacity for t3.small in eu-west-1a', action: 'nothing was launched; try another instance type' },
  { type: 'text', text: 'Lock released.' },
];

describe('thread notes', () => {
  it.each(notes.map((note) => [note.type, note] as const))('renders a %s note that Slack accepts', (_type, note) => {
    expectAcceptedBySlack(renderThreadNote(note, context));
  });

  it('describes a new issue with level, linked title, short id, events, users and first seen', () => {
    const text = visibleText(renderThreadNote(notes[4], context));
    expect(text).toContain('🔴 *New issue:* <https://acme.sentry.io/issues/42/|TypeError: x is undefined>');
    expect(text).toContain('`BOARD-1A` · error · 17 events · 4 users · first seen <!date^');
    expect(text).toContain('|10:42 UTC>');
  });

  it('says which system failed, the problem, and what the bot did', () => {
    expect(visibleText(renderThreadNote(notes[5], context))).toBe(
      '⚠️ *Prometheus:* query timed out after 10s\n*What I did:* paused the drain; board counts are unknown, nothing is terminated',
    );
  });

  it('names target groups the way people do and gives the reason', () => {
    expect(visibleText(renderThreadNote(notes[6], context))).toContain('• `i-0canary1` in board-http: unhealthy (Target.FailedHealthChecks: Health checks failed)');
  });

  it('says who decided, after how long, and mentions nobody for automatic decisions', () => {
    expect(visibleText(renderThreadNote(notes[7], context))).toBe('*✅ Approved* by <@U0BOB0001> after a soak of 4h 3m');
    expect(visibleText(renderThreadNote(notes[8], context))).toBe('*↩️ Rolled back automatically* after a soak of 20m: 1 new fatal issue');
  });

  it('escapes issue titles and free text', () => {
    const issue = { ...(notes[4] as Extract<ThreadNote, { type: 'new_issue' }>).issue, title: 'Error in <Canvas> & <@U0EVIL>' };
    expect(visibleText(renderThreadNote({ type: 'new_issue', issue }, context))).toContain('|Error in &lt;Canvas&gt; &amp; &lt;@U0EVIL&gt;>');
    expect(visibleText(renderThreadNote({ type: 'text', text: '<!here> hi' }, context))).toBe('&lt;!here&gt; hi');
  });
});
