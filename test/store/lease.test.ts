import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/deploy/store-port.js';
import { newDeploy, stepFrom, T0, storesOnOneFile } from './fixtures.js';

const TTL = 15_000;

/** Two bot processes on one database: two connections to one file, as two processes have. */
describe('the leader lease on a shared database', () => {
  const db = storesOnOneFile();

  it('gives a free lease to the first claimant and keeps the other standing by', async () => {
    expect(await db.a.claimLease('A', T0, TTL)).toEqual({ holder: 'A', acquiredAt: T0, heartbeatAt: T0, expiresAt: T0 + TTL });
    expect(await db.b.claimLease('B', T0 + 1, TTL)).toMatchObject({ holder: 'A', expiresAt: T0 + TTL });
    expect(await db.b.lease()).toMatchObject({ holder: 'A' });
  });

  it('renews for the holder, keeping when it was first acquired', async () => {
    await db.a.claimLease('A', T0, TTL);
    expect(await db.a.claimLease('A', T0 + 5_000, TTL)).toEqual({ holder: 'A', acquiredAt: T0, heartbeatAt: T0 + 5_000, expiresAt: T0 + 5_000 + TTL });
  });

  it('is not taken over a moment before it expires, and is the moment it has', async () => {
    await db.a.claimLease('A', T0, TTL);
    expect(await db.b.claimLease('B', T0 + TTL - 1, TTL)).toMatchObject({ holder: 'A' });
    expect(await db.b.claimLease('B', T0 + TTL, TTL)).toEqual({ holder: 'B', acquiredAt: T0 + TTL, heartbeatAt: T0 + TTL, expiresAt: T0 + 2 * TTL });
    // The old holder, back from a stall, finds it gone rather than renewing it.
    expect(await db.a.claimLease('A', T0 + TTL + 1, TTL)).toMatchObject({ holder: 'B' });
  });

  it('is free at once when its holder gives it up, and a late release by a former holder frees nothing', async () => {
    await db.a.claimLease('A', T0, TTL);
    await db.a.releaseLease('A');
    expect(await db.a.lease()).toBeNull();
    expect(await db.b.claimLease('B', T0 + 1, TTL)).toMatchObject({ holder: 'B' });
    await db.a.releaseLease('A');
    expect(await db.b.lease()).toMatchObject({ holder: 'B' });
  });

  it('lets exactly one of two standbys take an expired lease when both claim at the same moment', async () => {
    await db.a.claimLease('A', T0, TTL);
    const claims = await Promise.all([db.a.claimLease('B', T0 + TTL, TTL), db.b.claimLease('C', T0 + TTL, TTL)]);
    expect(new Set(claims.map((l) => l.holder)).size).toBe(1);
  });

  describe('fencing', () => {
    it('refuses a step commit from a process that does not hold the lease, and writes nothing', async () => {
      const deploy = await db.a.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
      await db.b.claimLease('B', T0, TTL);

      await expect(db.a.commitStep({ ...stepFrom(deploy, { toState: 'launching' }), leaseHolder: 'A' })).rejects.toBeInstanceOf(LeaseLostError);
      expect(await db.a.getDeploy(deploy.id)).toMatchObject({ state: 'requested', revision: deploy.revision });
      expect(await db.a.steps(deploy.id)).toEqual([]);

      expect(await db.b.commitStep({ ...stepFrom(deploy, { toState: 'launching' }), leaseHolder: 'B' })).toMatchObject({ state: 'launching' });
    });

    it('refuses a commit from the holder once its lease has expired, before anyone took it over', async () => {
      const deploy = await db.a.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
      await db.a.claimLease('A', T0, TTL);

      await expect(db.a.commitStep({ ...stepFrom(deploy, { toState: 'launching', at: T0 + TTL }), leaseHolder: 'A' })).rejects.toBeInstanceOf(LeaseLostError);
      expect(await db.a.commitStep({ ...stepFrom(deploy, { toState: 'launching', at: T0 + TTL - 1 }), leaseHolder: 'A' })).toMatchObject({ state: 'launching' });
    });

    it('refuses to mark a note as being sent by a process without the lease', async () => {
      const deploy = await db.a.createDeploy(newDeploy(), { actor: 'U1', action: 'request' });
      await db.a.setSlackMessage(deploy.id, 'C1', '1.0');
      await db.a.commitStep(stepFrom(deploy, { notes: [{ type: 'text', text: 'launching' }] }));
      const [note] = await db.a.pendingNotes(T0 + 10_000, 10);
      await db.b.claimLease('B', T0, TTL);

      await expect(db.a.markNoteSending(note.id, T0 + 1, 'A')).rejects.toBeInstanceOf(LeaseLostError);
      expect((await db.a.pendingNotes(T0 + 10_000, 10))[0].sendingSince).toBeNull();
      await db.b.markNoteSending(note.id, T0 + 2, 'B');
      expect((await db.a.pendingNotes(T0 + 10_000, 10))[0].sendingSince).toBe(T0 + 2);
    });
  });
});
