import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLeaderLease, type LeaderLease } from '../../src/leadership/leader-lease.js';
import type { SqliteDeployStore } from '../../src/store/sqlite-deploy-store.js';
import { manualClock } from '../support/manual-clock.js';
import { storesOnOneFile } from '../store/fixtures.js';

const TTL = 15_000;

/** Two bot processes on one database, each with its side of the lease, driven attempt by attempt on one fake clock. */
describe('leader lease: who acts', () => {
  const db = storesOnOneFile();
  let clock: ReturnType<typeof manualClock>;
  let events: string[];

  function bot(name: string, store: SqliteDeployStore): LeaderLease {
    return createLeaderLease({
      store,
      clock,
      ttlMs: TTL,
      logger: pino({ enabled: false }),
      holder: name,
      onElected: () => events.push(`${name} elected`),
      onDeposed: async () => {
        events.push(`${name} stopping`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`${name} stopped`);
      },
    });
  }

  let a: LeaderLease;
  let b: LeaderLease;

  beforeEach(() => {
    clock = manualClock();
    events = [];
    a = bot('A', db.a);
    b = bot('B', db.b);
  });

  it('elects the first process and keeps the second standing by while the first renews', async () => {
    await a.attempt();
    await b.attempt();
    expect([a.isLeader(), a.held(), b.isLeader(), b.held()]).toEqual([true, true, false, false]);

    for (let n = 0; n < 6; n++) {
      clock.advance(TTL / 3);
      await a.attempt();
      await b.attempt();
    }
    expect(events).toEqual(['A elected']);
    expect(b.current()).toMatchObject({ holder: 'A', expiresAt: clock.now() + TTL });
  });

  it('lets the standby take over once the silent leader’s lease expired, not a moment before', async () => {
    await a.attempt();
    await b.attempt();
    // A dies: no more renewals.
    clock.advance(TTL - 1);
    await b.attempt();
    expect(b.isLeader()).toBe(false);
    clock.advance(1);
    await b.attempt();
    expect([b.isLeader(), b.held()]).toEqual([true, true]);
    expect(events).toEqual(['A elected', 'B elected']);
  });

  it('stops acting before its lease can expire when it cannot renew, and is deposed when it finds another holder', async () => {
    await a.attempt();
    clock.advance(TTL - TTL / 5 - 1);
    expect(a.held()).toBe(true);
    clock.advance(1);
    // A stalled: it has not renewed, and its lease is about to be free for the taking.
    expect(a.held()).toBe(false);
    clock.advance(TTL / 5);
    await b.attempt();
    await a.attempt();
    expect([a.isLeader(), b.isLeader()]).toEqual([false, true]);
    expect(events).toEqual(['A elected', 'B elected', 'A stopping', 'A stopped']);
  });

  it('on stop, finishes what it was doing, then gives the lease up so the standby takes over at its next look', async () => {
    await a.attempt();
    await b.attempt();
    clock.advance(1_000);
    await a.stop();
    expect(events).toEqual(['A elected', 'A stopping', 'A stopped']);
    expect(await db.b.lease()).toBeNull();
    await b.attempt();
    expect(b.isLeader()).toBe(true);
  });

  it('stops acting as soon as the store refused one of its writes, before its own next look at the lease', async () => {
    await a.attempt();
    clock.advance(TTL);
    await b.attempt();
    a.lost();
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['A elected', 'B elected', 'A stopping', 'A stopped']);
    expect(a.isLeader()).toBe(false);
  });
});
