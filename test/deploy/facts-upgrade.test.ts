import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { upgradeReleaseFacts, type StoredReleaseFacts } from '../../src/deploy/release/facts-upgrade.js';

/** Facts of a release paused mid rollback drain, written by the bot before the drain was one phase (1143c3a). */
const before = (): StoredReleaseFacts => JSON.parse(readFileSync(new URL('./fixtures/release-paused-in-rollback-drain.v0.json', import.meta.url), 'utf8'));

describe('release facts read from a row', () => {
  it('moves an earlier rollback drain (servers and baseline on the rollback) into its own drain state', () => {
    const stored = before();
    const { servers, baselineTotal, ...rollback } = stored.rollback as Record<string, unknown>;

    const facts = upgradeReleaseFacts(stored);

    expect(facts.rollback).toEqual({
      ...rollback,
      drain: { servers, baselineTotal: 492, newBoards: {}, wave: 1, startedAt: null, oldBoardsAtStart: null, dropSince: null, quietUntil: null, forced: [] },
    });
    const { rollback: _old, ...rest } = stored;
    const { rollback: _new, ...upgraded } = facts;
    expect(upgraded).toEqual(rest);
  });

  it('takes "Terminate anyway" of the rollback\'s servers from the release\'s list, where the earlier bot kept them', () => {
    const stored = before();
    const forced = [
      { instanceId: 'i-0005', by: 'U0REL', reason: 'host is dead' },
      { instanceId: 'i-0002', by: 'U0REL', reason: 'an old server, forced during the release' },
    ];
    stored.drain = { ...stored.drain, forced };

    expect(upgradeReleaseFacts(stored).rollback?.drain.forced).toEqual([forced[0]]);
  });

  it('leaves facts of the current shape as they are', () => {
    const current = upgradeReleaseFacts(before());

    expect(upgradeReleaseFacts(current)).toEqual(current);
    expect(upgradeReleaseFacts({ ...current, rollback: null })).toEqual({ ...current, rollback: null });
  });
});
