import { describe, expect, it } from 'vitest';
import type { ChangelogEntry, TicketResult } from '../../../src/deploy/ports.js';
import type { ThreadNote } from '../../../src/deploy/records.js';
import { RELEASE_ACTIONS } from '../../../src/slack/blocks/release-actions.js';
import { renderThreadNote } from '../../../src/slack/blocks/thread-note.js';
import { LIMITS } from '../../../src/slack/limits.js';
import { expectAcceptedBySlack, MINUTE, NOW, visibleText } from '../fixtures.js';
import { actionIds, buttons, newId, oldId } from './release-fixtures.js';

const context = { id: 're-0a1b2c3d', service: 'board', version: '1.1.0', kind: 'release' } as const;
const render = (note: ThreadNote) => renderThreadNote(note, context);

const ok = (key: string): TicketResult => ({ key, transitioned: true, commented: true, problem: null });
const commit = (i: number): ChangelogEntry => ({ sha: i.toString(16).padStart(40, 'a'), subject: `BOARD-${i} faster boards`, author: 'Dana Developer', date: '2026-11-20T10:00:00Z', issueKeys: [`BOARD-${i}`] });

const notes: ThreadNote[] = [
  { type: 'release_started', by: 'U0CAROL01', fleetSize: 4, launching: 3, adopted: ['i-0canary110'], windowOverride: { by: 'U0DAVE001', reason: 'security fix' }, overrideReason: 'hotfix' },
  { type: 'gate', passed: true, boards: 42, minBoards: 5, newServers: 4, afterMs: 3 * MINUTE },
  { type: 'gate', passed: false, boards: 0, minBoards: 5, newServers: 4, afterMs: 10 * MINUTE },
  { type: 'closed', instanceIds: [oldId(1), oldId(2)], delayWarning: 'Deregistration delay of board-ws (5m) is shorter than the drain timeout (10m)' },
  { type: 'wave', wave: 2, instanceIds: [oldId(3)], boards: 240, projectedPerNewServer: 310, capacity: 400 },
  { type: 'drained', instanceIds: [oldId(1)], forced: false },
  { type: 'drained', instanceIds: [oldId(2)], forced: true },
  { type: 'question', kind: 'unknown', reason: `${oldId(2)}: up == 0`, instanceIds: [oldId(2)] },
  { type: 'question', kind: 'drop', reason: 'total boards fell from 1,000 to 700 (30%)', instanceIds: [] },
  { type: 'paused', by: 'U0DAVE001', reason: 'lunch <break>' },
  { type: 'resumed', by: 'U0DAVE001', reason: null },
  { type: 'retired', terminated: [], warmUntil: NOW + 30 * MINUTE },
  { type: 'retired', terminated: [oldId(1), oldId(2)], warmUntil: null },
  { type: 'jira', results: [ok('BOARD-1'), { key: 'BOARD-2', transitioned: false, commented: true, problem: 'no transition named Done' }], fixVersion: 'board-1.1.0', problem: null },
  { type: 'rollback', by: 'U0DAVE001', reason: 'checkout errors', from: 'draining', oldWarm: true },
  { type: 'released', version: '1.1.0', durationMs: 62 * MINUTE, waves: 3, boardsMoved: 12_345 },
  { type: 'announce', version: '1.1.0', from: '1.0.0', entries: [commit(1)], omitted: 0, threadLink: 'https://acme.slack.com/archives/C0DEPLOYS1/p1732358400000100' },
  { type: 'dependency', system: 'drain', problem: 'POST http://10.0.2.3:8080/drain timed out after 10s', action: 'The hook will be sent once more; nothing is terminated.' },
];

describe('release thread notes', () => {
  it.each(notes.map((note, i) => [`${note.type} #${i}`, note] as const))('renders %s so that Slack accepts it', (_name, note) => {
    expectAcceptedBySlack(render(note));
  });

  it('says who started the release, what it launches and adopts, and every override with its reason', () => {
    expect(visibleText(render(notes[0]))).toBe(
      '🚀 <@U0CAROL01> started the release of *board 1.1.0*: 4 servers, launching 3, adopting 1 canary `i-0canary110`\n' +
        '⚠️ No approved pre-release; the reason given: hotfix\n' +
        '⚠️ Outside the deploy window, allowed by <@U0DAVE001>: security fix',
    );
  });

  it('says whether the gate passed, with the boards the new servers took and the boards needed', () => {
    expect(visibleText(render(notes[1]))).toBe('🚦 *Gate passed:* the 4 new servers took 42 boards in 3m (5 needed)');
    expect(visibleText(render(notes[2]))).toBe('🚦 *Gate failed:* the 4 new servers took 0 boards in 10m; 5 needed');
  });

  it('names closed servers, waves, drained and forced servers, and the deregistration warning', () => {
    expect(visibleText(render(notes[3]))).toBe(
      `🚪 Closed 2 servers to new users (deregistered; live sessions stay): \`${oldId(1)}\`, \`${oldId(2)}\`\n⚠️ Deregistration delay of board-ws (5m) is shorter than the drain timeout (10m)`,
    );
    expect(visibleText(render(notes[4]))).toBe(`🌊 *Wave 2:* draining 1 server with 240 boards: \`${oldId(3)}\`\nProjected 310 boards per new server (capacity 400)`);
    expect(visibleText(render(notes[5]))).toBe(`✅ Drained: \`${oldId(1)}\``);
    expect(visibleText(render(notes[6]))).toBe(`⚠️ Retiring without a confirmed drain (Terminate anyway): \`${oldId(2)}\``);
  });

  it('says who paused and resumed, escaping the reason', () => {
    expect(visibleText(render(notes[9]))).toBe('⏸️ <@U0DAVE001> paused the release: lunch &lt;break&gt;');
    expect(visibleText(render(notes[10]))).toBe('▶️ <@U0DAVE001> resumed the release');
  });

  it('says which old servers were terminated, or until when they are kept warm', () => {
    expect(visibleText(render(notes[11]))).toContain(`🔥 Old servers kept warm (deregistered) until <!date^${(NOW + 30 * MINUTE) / 1000}^{time}|`);
    expect(visibleText(render(notes[12]))).toBe(`🧹 Terminated 2 old servers: \`${oldId(1)}\`, \`${oldId(2)}\``);
  });

  it('says a rollback moves users back to warm old servers, or only removes the new ones', () => {
    expect(visibleText(render(notes[14]))).toBe(
      '↩️ *Rolling back*, asked by <@U0DAVE001> while draining: checkout errors\nThe old servers are registered again and users move back to them; then the new servers are terminated.',
    );
    expect(visibleText(render({ type: 'rollback', by: 'release-bot', reason: null, from: 'gating', oldWarm: false }))).toBe(
      '↩️ *Rolling back*, asked by release-bot while gating\nThe old servers never stopped serving; the new servers are removed.',
    );
  });

  it('sums up the release', () => {
    expect(visibleText(render(notes[15]))).toBe('✅ *Released board 1.1.0* in 1h 2m: 3 waves, 12,345 boards moved');
  });

  it('names the drain hook when it fails', () => {
    expect(visibleText(render(notes[17]))).toContain('⚠️ *The drain hook:* POST http://10.0.2.3:8080/drain timed out after 10s');
  });

  it('has no buttons on notes that ask nothing', () => {
    for (const note of notes.filter((n) => n.type !== 'question' && n.type !== 'jira')) expect(buttons(render(note).blocks)).toEqual([]);
  });
});

describe('the question note', () => {
  it('shows the reason and offers Wait and Terminate anyway, both carrying only the deploy id', () => {
    const message = render(notes[7]);

    expect(visibleText(message)).toContain(`❓ *Board counts unknown*: ${oldId(2)}: up == 0\n\`${oldId(2)}\`\nThe release is paused.`);
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.wait, RELEASE_ACTIONS.force]);
    const [wait, force] = buttons(message.blocks);
    expect(wait).toMatchObject({ text: { text: 'Wait' }, value: 're-0a1b2c3d' });
    expect(wait.style).toBeUndefined();
    expect(force).toMatchObject({ text: { text: 'Terminate anyway' }, value: 're-0a1b2c3d', style: 'danger', confirm: { style: 'danger' } });
    expect(force.confirm?.text.text).toBe(`Terminate ${oldId(2)} although its boards could not be confirmed drained? You will be asked for a reason.`);
    expect(message.text).toBe('❓ Board counts unknown: the release is paused');
  });

  it('names three servers in the confirmation and counts the rest, within the dialog limit', () => {
    const ids = Array.from({ length: 30 }, (_, i) => oldId(i + 1));
    const message = render({ type: 'question', kind: 'stuck', reason: 'x'.repeat(5000), instanceIds: ids });

    expectAcceptedBySlack(message);
    const force = buttons(message.blocks)[1];
    expect(force.confirm?.text.text).toBe(`Terminate ${oldId(1)}, ${oldId(2)}, ${oldId(3)} and 27 more although their boards could not be confirmed drained? You will be asked for a reason.`);
    expect(force.confirm?.text.text.length).toBeLessThanOrEqual(LIMITS.confirmText);
  });

  it('offers only Wait after a drop: no server is named, so there is nothing to terminate', () => {
    const message = render(notes[8]);

    expect(visibleText(message)).toContain('📉 *Total boards fell*: total boards fell from 1,000 to 700 (30%)');
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.wait]);
  });
});

describe('the jira note', () => {
  it('lists what Jira did with each key and offers Retry Jira when one failed', () => {
    const message = render(notes[13]);

    const text = visibleText(message);
    expect(text).toContain('🎫 *Jira:* 1/2 issues moved to done · fix version *board-1.1.0* released · ⚠️ 1 failed');
    expect(text).toContain('• ✅ BOARD-1: done, commented');
    expect(text).toContain('• ⚠️ BOARD-2: not moved, commented — no transition named Done');
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.jiraRetry]);
    expect(buttons(message.blocks)[0]).toMatchObject({ text: { text: 'Retry Jira' }, value: 're-0a1b2c3d' });
  });

  it('offers no retry when every key went through', () => {
    expect(buttons(render({ type: 'jira', results: [ok('BOARD-1')], fixVersion: 'board-1.1.0', problem: null }).blocks)).toEqual([]);
  });

  it('offers a retry when Jira itself failed, and says why', () => {
    const message = render({ type: 'jira', results: [ok('BOARD-1')], fixVersion: null, problem: 'fix version could not be released: 401 <Unauthorized>' });

    expect(visibleText(message)).toContain('⚠️ fix version could not be released: 401 &lt;Unauthorized&gt;');
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.jiraRetry]);
  });

  it('keeps 2,000 keys within Slack limits, counts those left out, and keeps the Retry button', () => {
    const results = Array.from({ length: 2000 }, (_, i) => ({ key: `BOARD-${i}`, transitioned: false, commented: false, problem: 'Jira answered 503 Service Unavailable after 3 attempts' }));
    const message = render({ type: 'jira', results, fixVersion: null, problem: null });

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toMatch(/… and \d+ more issues/);
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.jiraRetry]);
  });
});

describe('the release announcement', () => {
  it('has the released header, the changelog lines of the changelog note, and a link to the release thread', () => {
    const message = render(notes[16]);
    const changelog = visibleText(renderThreadNote({ type: 'changelog', from: 'beef001', to: 'c0ffee1', entries: [commit(1)], omitted: 0 }, context));

    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'board 1.1.0 released' } });
    const text = visibleText(message);
    expect(text).toContain('🚀 *board* 1.0.0 → 1.1.0: 1 commit');
    const line = changelog.split('\n').find((l) => l.includes('faster boards')) as string;
    expect(text).toContain(line);
    expect(text).toContain('<https://acme.slack.com/archives/C0DEPLOYS1/p1732358400000100|The release thread> has the whole story.');
    expect(message.text).toBe('board 1.1.0 released: 1 commit');
  });

  it('keeps 2,000 commits within Slack limits and still ends with the link to the thread', () => {
    const entries = Array.from({ length: 2000 }, (_, i) => commit(i + 1));
    const message = render({ type: 'announce', version: '1.1.0', from: '1.0.0', entries, omitted: 300, jiraBaseUrl: 'https://acme.atlassian.net', threadLink: 'https://acme.slack.com/archives/C0DEPLOYS1/p1' });

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text).toContain('<https://acme.atlassian.net/browse/BOARD-1|BOARD-1>');
    expect(text).toMatch(/… and [\d]+ more commits/);
    expect(visibleText({ text: '', blocks: message.blocks.slice(-1) })).toContain('|The release thread>');
  });

  it('goes out without a changelog or a link when there is none', () => {
    const message = render({ type: 'announce', version: '1.1.0', entries: [], omitted: 0 });

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toBe('board 1.1.0 released\n🚀 *board* 1.1.0: no changelog available');
  });
});

describe('new servers named in notes', () => {
  it('lists every server of a 30-server wave within limits', () => {
    const ids = Array.from({ length: 30 }, (_, i) => newId(i + 1));
    for (const note of [
      { type: 'closed', instanceIds: ids, delayWarning: null },
      { type: 'wave', wave: 1, instanceIds: ids, boards: 9000, projectedPerNewServer: null, capacity: 400 },
      { type: 'drained', instanceIds: ids, forced: false },
      { type: 'retired', terminated: ids, warmUntil: null },
    ] satisfies ThreadNote[]) {
      const message = render(note);
      expectAcceptedBySlack(message);
      expect(visibleText(message)).toContain(newId(30));
    }
  });
});
