import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runner, type Leadership } from '../../src/deploy/runner.js';
import type { Workflow } from '../../src/deploy/workflow.js';
import { openStore } from '../../src/store/open-store.js';
import { serviceWith } from '../support/catalog.js';
import { manualClock } from '../support/manual-clock.js';

/** Only the holder of a live lease steps deploys; a deposed leader's step in flight ends like a crash of that step. */
describe('runner: steps only while this process leads', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let clock: ReturnType<typeof manualClock>;
  let stepped: string[];
  let leads: boolean;
  let lost: number;

  const workflow: Workflow<Record<string, unknown>> = {
    kind: 'release',
    async step(ctx) {
      stepped.push(ctx.deploy.id);
      return { state: 'launching', facts: ctx.deploy.facts, wakeAt: null, notes: [{ type: 'text', text: 'launched' }] };
    },
    holdOptions: () => ({ skip: null, rollback: null }),
  };
  const leadership: Leadership = {
    holder: 'A',
    held: () => leads,
    lost: () => {
      lost++;
      leads = false;
    },
  };
  const runner = () => new Runner({ store, clock, service: () => serviceWith({}), workflows: { release: workflow }, leadership });

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
    clock = manualClock();
    stepped = [];
    leads = true;
    lost = 0;
    for (const id of ['rl-one1', 'rl-two2']) {
      await store.createDeploy(
        { id, service: 'board', kind: 'release', version: '1.5.0', state: 'planned', actor: 'U0REL', reason: null, facts: {}, wakeAt: clock.now(), at: clock.now() },
        { actor: 'U0REL', action: 'release_planned' },
      );
    }
  });
  afterEach(() => store.close());

  it('takes no step, and calls nothing, while its lease may have run out', async () => {
    await store.claimLease('A', clock.now(), 15_000);
    leads = false;
    expect(await runner().runDue()).toBe(0);
    expect(stepped).toEqual([]);
  });

  it('commits its steps while it holds the lease', async () => {
    await store.claimLease('A', clock.now(), 15_000);
    expect(await runner().runDue()).toBe(2);
    expect((await store.listDeploys({})).map((d) => d.state)).toEqual(['launching', 'launching']);
  });

  it('leaves a step whose commit was fenced off as a crash would, says nothing, and begins no other step', async () => {
    // Another process took over while this one believed it still led.
    await store.claimLease('B', clock.now(), 15_000);
    await runner().runDue();

    expect(stepped).toHaveLength(1);
    expect(lost).toBe(1);
    expect((await store.listDeploys({})).map((d) => [d.state, d.revision, d.hold])).toEqual([
      ['planned', 1, null],
      ['planned', 1, null],
    ]);
    expect(await store.pendingNotes(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect((await store.audit({})).map((a) => a.action)).toEqual(['release_planned', 'release_planned']);
  });
});
