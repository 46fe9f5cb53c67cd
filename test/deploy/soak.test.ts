import { describe, expect, it } from 'vitest';
import type { SeenIssue } from '../../src/deploy/prerelease/facts.js';
import { soakVerdict, type SoakInput } from '../../src/deploy/soak.js';
import { serviceWith } from '../support/catalog.js';

const HOUR = 3600_000;
const issue = (level: SeenIssue['level'], n = 1): SeenIssue => ({
  id: `${level}-${n}`,
  shortId: `BOARD-${n}`,
  title: `${level} ${n}`,
  level,
  count: 3,
  userCount: 1,
  permalink: 'https://sentry.example/issues/1',
  firstSeen: '2026-11-23T10:00:00Z',
});

function input(patch: Partial<SoakInput> & { autoApprove?: boolean; maxNewIssues?: number } = {}): SoakInput {
  const { autoApprove = false, maxNewIssues, ...rest } = patch;
  const policy = serviceWith({ prerelease: { autoApprove } }).prerelease;
  return {
    now: 0,
    soakStartedAt: 0,
    extendedMs: 0,
    issues: [],
    sentryCheckedAt: 0,
    sentryOk: true,
    policy: { ...policy, autoRollback: { ...policy.autoRollback, maxNewIssues } },
    ...rest,
  };
}

describe('soak verdict', () => {
  it('continues a clean soak until the minimum soak has passed', () => {
    expect(soakVerdict(input({ now: 3 * HOUR }))).toEqual({ kind: 'continue', minSoakEndsAt: 4 * HOUR, minSoakReached: false });
  });

  it('rolls back on a new issue at a configured level, at any time', () => {
    const verdict = soakVerdict(input({ now: 60_000, issues: [issue('error')] }));
    expect(verdict.kind).toBe('rollback');
    expect(verdict.kind === 'rollback' && verdict.reason).toContain('BOARD-1');
  });

  it('rolls back on what was already seen even while Sentry is unreadable', () => {
    expect(soakVerdict(input({ now: 60_000, issues: [issue('fatal')], sentryOk: false })).kind).toBe('rollback');
  });

  it('does not roll back on warnings when only fatal and error are critical', () => {
    expect(soakVerdict(input({ now: 60_000, issues: [issue('warning')] })).kind).toBe('continue');
  });

  it('rolls back when the count of new issues reaches the configured limit', () => {
    const issues = [issue('warning', 1), issue('warning', 2), issue('info', 3)];
    expect(soakVerdict(input({ now: 60_000, issues, maxNewIssues: 3 })).kind).toBe('rollback');
    expect(soakVerdict(input({ now: 60_000, issues, maxNewIssues: 4 })).kind).toBe('continue');
  });

  it('never approves itself when the service does not allow it', () => {
    expect(soakVerdict(input({ now: 5 * HOUR, sentryCheckedAt: 5 * HOUR })).kind).toBe('continue');
  });

  it('approves a clean soak after the minimum when the service allows it', () => {
    expect(soakVerdict(input({ now: 4 * HOUR, sentryCheckedAt: 4 * HOUR, autoApprove: true })).kind).toBe('approve');
  });

  it('does not approve itself when Sentry was last read before the minimum soak ended', () => {
    expect(soakVerdict(input({ now: 5 * HOUR, sentryCheckedAt: 4 * HOUR - 1, autoApprove: true })).kind).toBe('continue');
  });

  it('does not approve itself while Sentry is unreadable', () => {
    expect(soakVerdict(input({ now: 5 * HOUR, sentryCheckedAt: 5 * HOUR, sentryOk: false, autoApprove: true })).kind).toBe('continue');
  });

  it('does not approve itself with a new warning, which needs a human', () => {
    expect(soakVerdict(input({ now: 5 * HOUR, sentryCheckedAt: 5 * HOUR, issues: [issue('warning')], autoApprove: true })).kind).toBe('continue');
  });

  it('moves the end of the minimum soak by the extensions', () => {
    const verdict = soakVerdict(input({ now: 4 * HOUR, extendedMs: HOUR }));
    expect(verdict).toEqual({ kind: 'continue', minSoakEndsAt: 5 * HOUR, minSoakReached: false });
  });
});
