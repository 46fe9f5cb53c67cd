import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../src/deploy/ports.js';
import { DEFAULT_ASK_AFTER_MS, Runner } from '../../src/deploy/runner.js';
import type { ThreadNote } from '../../src/deploy/records.js';
import type { StepContext, Workflow } from '../../src/deploy/workflow.js';
import { openStore } from '../../src/store/open-store.js';
import { serviceWith } from '../support/catalog.js';
import { manualClock } from '../support/manual-clock.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * The runner's answer to a step that fails: a permanent failure stops the deploy at once and asks
 * in its thread; a transient one is retried with backoff and asked about after `askAfterMs`. A
 * stopped deploy takes no step until Retry, Skip (where offered) or the workflow's own Rollback.
 */
describe('runner: a failed step stops and asks', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let clock: ReturnType<typeof manualClock>;
  let failWith: (() => Error) | null;
  let calls: { state: string; skip: StepContext<unknown>['skip']; actions: string[] }[];

  const workflow: Workflow<Record<string, unknown>> = {
    kind: 'release',
    async step(ctx) {
      calls.push({ state: ctx.deploy.state, skip: ctx.skip, actions: ctx.actions.map((a) => a.action) });
      if (ctx.actions.some((a) => a.action === 'rollback')) return { state: 'rolling_back', facts: ctx.deploy.facts, wakeAt: null, consumed: ctx.actions.map((a) => a.id) };
      const consumed = ctx.actions.map((a) => a.id);
      if (ctx.skip) return { state: 'announcing', facts: { ...ctx.deploy.facts, skippedBy: ctx.skip.by }, wakeAt: null, consumed };
      if (failWith) throw failWith();
      return { state: 'announcing', facts: ctx.deploy.facts, wakeAt: null, consumed };
    },
    holdOptions: (deploy, failure) => ({
      skip: failure.operation === 'TerminateInstances' ? 'Leave the old servers running.' : null,
      rollback: deploy.state === 'retiring' ? 'Move users back.' : null,
    }),
  };

  const newRunner = () => new Runner({ store, clock, service: () => serviceWith({}), workflows: { release: workflow }, retryDelayMs: () => 30 * SECOND });
  let runner: Runner;

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
    clock = manualClock();
    failWith = null;
    calls = [];
    runner = newRunner();
    await store.createDeploy(
      { id: 'rl-hold1', service: 'board', kind: 'release', version: '1.5.0', state: 'retiring', actor: 'U0REL', reason: null, facts: {}, wakeAt: clock.now(), at: clock.now() },
      { actor: 'U0REL', action: 'release_planned' },
    );
    await store.setSlackMessage('rl-hold1', 'C0DEPLOYS1', '1700000000.000100');
  });
  afterEach(() => store.close());

  const deploy = async () => (await store.getDeploy('rl-hold1'))!;
  const notes = async (): Promise<ThreadNote[]> => (await store.pendingNotes(Number.MAX_SAFE_INTEGER, 100)).map((n) => n.note);
  const refused = () => new DependencyError('aws', 'AWS TerminateInstances failed with UnauthorizedOperation (HTTP 403): You are not authorized', undefined, 'UnauthorizedOperation', 'TerminateInstances');
  const throttled = () => new DependencyError('aws', 'AWS DescribeTargetHealth failed with Throttling (HTTP 400): Rate exceeded', undefined, 'Throttling', 'DescribeTargetHealth');

  /** Runs the runner every 30 s for `ms`, as its timer would. */
  async function runFor(ms: number) {
    for (let t = 0; t < ms; t += 30 * SECOND) {
      await runner.runDue();
      clock.advance(30 * SECOND);
    }
  }

  it('stops at once on a permanent failure, keeps its state, asks in the thread with what Skip and Rollback would do, and tries nothing more', async () => {
    failWith = refused;
    await runFor(2 * 60 * MINUTE);

    expect(calls).toHaveLength(1);
    const held = await deploy();
    expect(held).toMatchObject({ state: 'retiring', wakeAt: null, finishedAt: null });
    expect(held.hold).toMatchObject({
      state: 'retiring',
      kind: 'permanent',
      system: 'aws',
      code: 'UnauthorizedOperation',
      operation: 'TerminateInstances',
      attempts: 1,
      skip: 'Leave the old servers running.',
      rollback: 'Move users back.',
      skipped: null,
    });
    expect(held.hold?.fix).toContain('IAM policy');
    expect(await notes()).toEqual([{ type: 'held', hold: held.hold }]);
    const audit = await store.audit({ deployId: 'rl-hold1' });
    expect(audit.find((a) => a.action === 'stopped')).toMatchObject({ actor: 'release-bot', action: 'stopped', reason: refused().message, fromState: 'retiring', toState: 'retiring' });
  });

  it('retries a transient failure with backoff, tells the thread once, and stops to ask once it has lasted the bound', async () => {
    failWith = throttled;
    await runFor(DEFAULT_ASK_AFTER_MS - MINUTE);
    const attempts = calls.length;
    expect(attempts).toBe(DEFAULT_ASK_AFTER_MS / (30 * SECOND) - 2);
    expect((await deploy()).hold).toBeNull();
    const told = await notes();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ type: 'dependency', system: 'aws', action: expect.stringContaining('If it still fails after 15m, I stop and ask here.') });

    await runFor(2 * MINUTE);
    const held = await deploy();
    expect(held.hold).toMatchObject({ kind: 'transient', code: 'Throttling', skip: null, rollback: 'Move users back.' });
    expect(held.hold!.at - held.hold!.since).toBeGreaterThanOrEqual(DEFAULT_ASK_AFTER_MS);
    const stoppedAfter = calls.length;
    await runFor(60 * MINUTE);
    expect(calls.length).toBe(stoppedAfter);
  });

  it('runs nothing on other actions while stopped, and runs the step again after Retry', async () => {
    failWith = refused;
    await runner.runDue();
    await store.addAction({ deployId: 'rl-hold1', action: 'pause', actor: 'U0REL', reason: null, at: clock.now() });
    await runFor(5 * MINUTE);
    expect(calls).toHaveLength(1);

    failWith = null;
    await store.addAction({ deployId: 'rl-hold1', action: 'retry_step', actor: 'U0REL', reason: null, at: clock.now() });
    await runner.runDue();

    const after = await deploy();
    expect(after).toMatchObject({ state: 'announcing', hold: null });
    expect(calls.at(-1)).toEqual({ state: 'retiring', skip: null, actions: ['pause'] });
    expect(await notes()).toContainEqual({ type: 'hold_answered', by: 'U0REL', answer: 'retry', reason: null, state: 'retiring' });
    expect((await store.audit({ deployId: 'rl-hold1' })).map((a) => a.action)).toEqual(expect.arrayContaining(['stopped', 'retry_step']));
  });

  it('stops again, asking again, when the retried step fails again', async () => {
    failWith = refused;
    await runner.runDue();
    await store.addAction({ deployId: 'rl-hold1', action: 'retry_step', actor: 'U0REL', reason: null, at: clock.now() });
    await runner.runDue();
    expect(calls).toHaveLength(2);
    expect((await deploy()).hold).toMatchObject({ kind: 'permanent', attempts: 1 });
    expect((await notes()).filter((n) => n.type === 'held')).toHaveLength(2);
  });

  it('runs the step once with Skip and its reason, then forgets the question', async () => {
    failWith = refused;
    await runner.runDue();
    await store.addAction({ deployId: 'rl-hold1', action: 'skip_step', actor: 'U0REL', reason: 'terminated by hand in the console', at: clock.now() });
    await runner.runDue();

    expect(calls.at(-1)).toMatchObject({ state: 'retiring', skip: { by: 'U0REL', reason: 'terminated by hand in the console' } });
    expect(await deploy()).toMatchObject({ state: 'announcing', hold: null, facts: { skippedBy: 'U0REL' } });
    expect(await notes()).toContainEqual({ type: 'hold_answered', by: 'U0REL', answer: 'skip', reason: 'terminated by hand in the console', state: 'retiring' });
  });

  it('hands Rollback to the workflow, whose step clears the question', async () => {
    failWith = refused;
    await runner.runDue();
    await store.addAction({ deployId: 'rl-hold1', action: 'rollback', actor: 'U0REL', reason: null, at: clock.now() });
    await runner.runDue();
    expect(calls.at(-1)).toMatchObject({ state: 'retiring', actions: ['rollback'] });
    expect(await deploy()).toMatchObject({ state: 'rolling_back', hold: null });
  });

  it('stays stopped across a restart of the bot', async () => {
    failWith = refused;
    await runner.runDue();
    runner = newRunner();
    failWith = null;
    await runFor(10 * MINUTE);
    expect(calls).toHaveLength(1);
    expect((await deploy()).hold).not.toBeNull();
  });

  it('stops on a failure of its own (a bug), since running the same code again gives the same answer', async () => {
    failWith = () => new TypeError("Cannot read properties of undefined (reading 'servers')");
    await runFor(10 * MINUTE);
    expect(calls).toHaveLength(1);
    expect((await deploy()).hold).toMatchObject({ kind: 'permanent', system: 'internal', code: 'TypeError', skip: null });
  });
});
