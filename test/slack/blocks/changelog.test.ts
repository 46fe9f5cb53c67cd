import { describe, expect, it } from 'vitest';
import type { ChangelogEntry } from '../../../src/deploy/ports.js';
import type { ThreadNote } from '../../../src/deploy/records.js';
import { renderThreadNote } from '../../../src/slack/blocks/thread-note.js';
import { LIMITS } from '../../../src/slack/limits.js';
import { expectAcceptedBySlack, visibleText } from '../fixtures.js';

const context = { id: 'pr-0a1b2c3d', service: 'board', version: '1.42.0', kind: 'prerelease' } as const;

function commit(i: number, subject = `BOARD-${i} make boards load faster when many people join at once`): ChangelogEntry {
  return { sha: i.toString(16).padStart(40, 'a'), subject, author: 'Dana Developer', date: '2026-11-20T10:00:00Z', issueKeys: [`BOARD-${i}`] };
}

function changelog(entries: ChangelogEntry[], omitted = 0, jiraBaseUrl?: string): ThreadNote {
  return { type: 'changelog', from: 'beef0011223344556677', to: 'c0ffee11223344556677', entries, omitted, jiraBaseUrl };
}

describe('changelog note', () => {
  it('lists each commit with its short sha, subject and author', () => {
    const message = renderThreadNote(changelog([commit(1), commit(2)]), context);

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text).toContain('Changelog board 1.42.0');
    expect(text).toContain('2 commits `beef001`..`c0ffee1`');
    expect(text).toContain(`\`${commit(1).sha.slice(0, 7)}\` BOARD-1 make boards load faster when many people join at once — Dana Developer`);
    expect(text).not.toContain('more commit');
  });

  it('keeps a 2,000-commit changelog within Slack limits and says how many were left out', () => {
    const entries = Array.from({ length: 2000 }, (_, i) => commit(i + 1));
    const message = renderThreadNote(changelog(entries, 300, 'https://acme.atlassian.net/'), context);

    expectAcceptedBySlack(message);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    const shown = (visibleText(message).match(/— Dana Developer/g) ?? []).length;
    expect(shown).toBeGreaterThan(50);
    expect(visibleText(message)).toContain(`… and ${2000 - shown + 300} more commits`);
    expect(message.text).toBe('Changelog board 1.42.0: 2300 commits');
  });

  it('counts commits the changelog source already left out even when every entry fits', () => {
    const message = renderThreadNote(changelog([commit(1)], 42), context);
    expect(visibleText(message)).toContain('… and 42 more commits');
  });

  it('turns Jira keys into links when a Jira URL is known, and leaves them as text otherwise', () => {
    const entry = { ...commit(7, 'BOARD-7: fix cursor jumps (see also BOARD-70)'), issueKeys: ['BOARD-7', 'BOARD-70', 'OPS-3'] };

    const linked = visibleText(renderThreadNote(changelog([entry], 0, 'https://acme.atlassian.net/'), context));
    expect(linked).toContain('<https://acme.atlassian.net/browse/BOARD-7|BOARD-7>: fix cursor jumps (see also <https://acme.atlassian.net/browse/BOARD-70|BOARD-70>)');
    expect(linked).toContain('(<https://acme.atlassian.net/browse/OPS-3|OPS-3>)');

    const plain = visibleText(renderThreadNote(changelog([entry]), context));
    expect(plain).toContain('BOARD-7: fix cursor jumps (see also BOARD-70) (OPS-3)');
    expect(plain).not.toContain('<https://');
  });

  it('escapes commit subjects and authors so they cannot inject links or mentions', () => {
    const entry = { ...commit(1, 'render <b> tags & <!channel> in <http://evil|titles>'), author: 'Eve <eve@example.com>', issueKeys: [] };
    const text = visibleText(renderThreadNote(changelog([entry]), context));

    expect(text).toContain('render &lt;b&gt; tags &amp; &lt;!channel&gt; in &lt;http://evil|titles&gt;');
    expect(text).toContain('Eve &lt;eve@example.com&gt;');
  });
});
