import { describe, expect, it } from 'vitest';
import type { DeployRecord } from '../../../src/deploy/records.js';
import { renderHelp } from '../../../src/slack/blocks/help.js';
import { renderPrereleaseList } from '../../../src/slack/blocks/prerelease-list.js';
import { renderUserError } from '../../../src/slack/blocks/user-error.js';
import { exampleService } from '../../support/catalog.js';
import { expectAcceptedBySlack, HOUR, NOW, prerelease, visibleText } from '../fixtures.js';

const board = exampleService();

describe('/prerelease list answer', () => {
  it('lists running pre-releases before finished ones, with status, soak, issues, requester and channel', () => {
    const running = prerelease();
    const finished = prerelease({ id: 'pr-0old', version: '1.41.0', state: 'done', outcome: 'approved', finishedAt: NOW - HOUR });
    const message = renderPrereleaseList([finished, running] as unknown as DeployRecord[], { board }, NOW);

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text.indexOf('board 1.42.0')).toBeLessThan(text.indexOf('board 1.41.0'));
    expect(text).toContain('*Running*\n• *board 1.42.0* · 🧪 soaking · 1h 12m of 4h minimum');
    expect(text).toContain('no new issues · by <@U0ALICE01> · <#C0DEPLOYS1>');
    expect(text).toContain('*Finished*\n• *board 1.41.0* · ✅ approved · soaked');
    expect(message.text).toBe('Pre-releases: 1 running, 1 finished');
  });

  it('says so when there is nothing to list', () => {
    const message = renderPrereleaseList([], { board }, NOW);
    expectAcceptedBySlack(message);
    expect(visibleText(message)).toContain('No pre-release is running');
  });

  it('stays within limits with hundreds of deploys and says how many were not shown', () => {
    const many = Array.from({ length: 400 }, (_, i) => prerelease({ id: `pr-${i}`, version: `1.${i}.0` })) as unknown as DeployRecord[];
    const message = renderPrereleaseList(many, { board }, NOW);
    expectAcceptedBySlack(message);
    expect(visibleText(message)).toMatch(/… and \d+ more pre-releases not shown/);
  });
});

describe('help answer', () => {
  it('shows each command and each service with its channel and soak policy', () => {
    const message = renderHelp([{ usage: '/prerelease <service> <version>', description: 'Launch a canary' }], [board]);

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text).toContain('`/prerelease &lt;service&gt; &lt;version&gt;` — Launch a canary');
    expect(text).toContain('*board* — Collaborative whiteboard servers (websockets, boards in memory): deploys in <#C0DEPLOYS1>, 1 canary, minimum soak 4h');
    expect(message.text).toBe('Release bot commands: /prerelease &lt;service&gt; &lt;version&gt;');
  });
});

describe('user error answer', () => {
  it('says what was wrong, what would be valid, and that nothing changed', () => {
    const message = renderUserError('No service named `bord`.', 'Use one of `board`.');

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toBe('⚠️ *What was wrong:* No service named `bord`.\n*What would be valid:* Use one of `board`.\nNothing was changed.');
    expect(message.text).toBe('⚠️ No service named `bord`. — Use one of `board`.');
  });
});
