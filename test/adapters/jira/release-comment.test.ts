import { describe, expect, it } from 'vitest';
import { fixVersionName, releaseDateOf } from '../../../src/adapters/jira/fix-version.js';
import { isReleaseComment, releaseComment } from '../../../src/adapters/jira/release-comment.js';
import { serviceWith } from '../../support/catalog.js';

describe('the release comment', () => {
  it('names the service, version and release, who released it and links the release thread in wiki markup', () => {
    expect(
      releaseComment({ service: 'board', version: '1.1.0', releaseId: 'rl-0a1b2c3d4e', releasedBy: 'Maya Lindqvist', threadLink: 'https://acme.slack.com/archives/C0RELEASE1/p1717322400000100' }),
    ).toBe('Released in board 1.1.0 by Maya Lindqvist (release rl-0a1b2c3d4e, [release thread|https://acme.slack.com/archives/C0RELEASE1/p1717322400000100]).');
    expect(releaseComment({ service: 'board', version: '1.1.0', releaseId: 'rl-0a1b2c3d4e' })).toBe('Released in board 1.1.0 (release rl-0a1b2c3d4e).');
  });

  it('keeps names and links from breaking the markup', () => {
    expect(releaseComment({ service: 'board', version: '1.1.0 [rc|1]', releaseId: 'rl-1', threadLink: 'https://example.com/a|b]c' })).toBe(
      'Released in board 1.1.0 \\[rc\\|1\\] (release rl-1, [release thread|https://example.com/a%7Cb%5Dc]).',
    );
  });

  it('is recognised by its release alone, wherever the marker stands in the comment', () => {
    const ours = releaseComment({ service: 'board', version: '1.1.0', releaseId: 'rl-0a1b2c3d4e', threadLink: 'https://acme.slack.com/archives/C0RELEASE1/p1' });
    expect(isReleaseComment(ours, 'rl-0a1b2c3d4e')).toBe(true);
    expect(isReleaseComment(`Moved by hand.\n\n${ours}`, 'rl-0a1b2c3d4e')).toBe(true);
    expect(isReleaseComment(ours, 'rl-0a1b2c3d')).toBe(false);
    expect(isReleaseComment(ours, 'rl-0a1b2c3d4e0')).toBe(false);
    expect(isReleaseComment('Released in board 1.1.0 (release rl-0a1b2c3d4e-2).', 'rl-0a1b2c3d4e')).toBe(false);
    expect(isReleaseComment('Tested in prerelease rl-0a1b2c3d4e.', 'rl-0a1b2c3d4e')).toBe(false);
    expect(isReleaseComment('Released in board 1.1.0.', 'rl-0a1b2c3d4e')).toBe(false);
    expect(isReleaseComment('Released in board 1.1.0 (release rl\\[1\\]).', 'rl[1]')).toBe(true);
  });
});

describe('the fix version', () => {
  it('fills the service and version into the catalog template', () => {
    expect(fixVersionName('{service}-{version}', 'board', '1.2.0')).toBe('board-1.2.0');
    expect(fixVersionName('Board {version} ({service}/{version})', 'board', '1.2.0')).toBe('Board 1.2.0 (board/1.2.0)');
  });

  it('dates a release on the calendar day of the service\'s time zone, UTC without windows', () => {
    const at = Date.parse('2026-12-31T23:30:00Z');
    const berlin = serviceWith({});
    expect(berlin.windows?.timezone).toBe('Europe/Berlin');
    expect(releaseDateOf(berlin, at)).toBe('2027-01-01');
    expect(releaseDateOf(serviceWith({ windows: undefined }), at)).toBe('2026-12-31');
  });
});
