import { describe, expect, it } from 'vitest';
import { planDrain, type DrainInput, type DrainPolicy, type DrainServer } from '../../src/deploy/drain.js';
import type { BoardCount } from '../../src/deploy/ports.js';

const MINUTE = 60_000;
const NOW = 100 * MINUTE;
const policy: DrainPolicy = { capacity: 400, residual: 0, serverTimeoutMs: 10 * MINUTE, maxBoardsPerWave: 300, totalDropTolerance: 0.1 };

const serving = (instanceId: string, patch: Partial<DrainServer> = {}): DrainServer => ({
  instanceId,
  phase: 'serving',
  boards: null,
  unknown: null,
  hookedAt: null,
  hookAttempts: 0,
  lowReads: 0,
  wave: 0,
  ...patch,
});
const draining = (instanceId: string, patch: Partial<DrainServer> = {}) =>
  serving(instanceId, { phase: 'draining', hookedAt: NOW - MINUTE, hookAttempts: 1, wave: 1, ...patch });

const read = (instanceId: string, boards: number): BoardCount => ({ instanceId, boards });
const unknown = (instanceId: string, why = 'up == 0'): BoardCount => ({ instanceId, boards: null, unknown: why });

/** Two new servers with 100 boards each unless the test reads them otherwise. */
function input(patch: Partial<DrainInput> & { servers: DrainServer[] }): DrainInput {
  const base: DrainInput = { now: NOW, reads: [], newServerIds: ['n-1', 'n-2'], baselineTotal: 0, wave: 1, policy, forced: [], ...patch };
  const given = new Set(base.reads.map((r) => r.instanceId));
  const newReads = base.newServerIds.filter((id) => !given.has(id)).map((id) => read(id, 100));
  return { ...base, reads: [...base.reads, ...newReads] };
}

const serverOf = (plan: ReturnType<typeof planDrain>, id: string) => plan.servers.find((s) => s.instanceId === id);

describe('drain planner: reading the counts', () => {
  it('records each old server\'s count and clears a previous unknown', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { boards: null, unknown: 'timeout' })], reads: [read('i-1', 42)] }));
    expect(serverOf(plan, 'i-1')).toMatchObject({ boards: 42, unknown: null });
  });

  it('treats a server without any read as unknown ("no read")', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { boards: 5, lowReads: 1 })] }));
    expect(serverOf(plan, 'i-1')).toMatchObject({ boards: null, unknown: 'no read', lowReads: 0 });
    expect(plan.ask).toEqual([{ instanceId: 'i-1', kind: 'unknown', reason: 'board count unknown (no read), which is never taken as empty' }]);
  });

  it.each([
    { case: 'a low read after a low read', before: 1, reads: read('i-1', 0), lowReads: 2 },
    { case: 'a read above the residual', before: 1, reads: read('i-1', 3), lowReads: 0 },
    { case: 'an unknown read', before: 1, reads: unknown('i-1'), lowReads: 0 },
    { case: 'the first low read', before: 0, reads: read('i-1', 0), lowReads: 1 },
  ])('counts consecutive low reads: $case gives $lowReads', ({ before, reads, lowReads }) => {
    const plan = planDrain(input({ servers: [draining('i-1', { lowReads: before })], reads: [reads] }));
    expect(serverOf(plan, 'i-1')?.lowReads ?? 0).toBe(lowReads);
  });

  it('does not count low reads of a server that was never hooked', () => {
    const plan = planDrain(input({ servers: [serving('i-1'), draining('i-2', { boards: 50 })], reads: [read('i-1', 0), read('i-2', 50)] }));
    expect(serverOf(plan, 'i-1')).toMatchObject({ phase: 'serving', lowReads: 0 });
  });
});

describe('drain planner: confirming drained servers', () => {
  it.each([
    { case: 'two reads at zero', residual: 0, before: 1, boards: 0, phase: 'drained' },
    { case: 'two reads at the residual', residual: 2, before: 1, boards: 2, phase: 'drained' },
    { case: 'only one low read so far', residual: 0, before: 0, boards: 0, phase: 'draining' },
    { case: 'a read above the residual', residual: 2, before: 1, boards: 3, phase: 'draining' },
  ])('$case → $phase', ({ residual, before, boards, phase }) => {
    const plan = planDrain(input({ servers: [draining('i-1', { lowReads: before })], reads: [read('i-1', boards)], policy: { ...policy, residual } }));
    expect(serverOf(plan, 'i-1')?.phase).toBe(phase);
    expect(plan.drained).toEqual(phase === 'drained' ? ['i-1'] : []);
  });

  it('never confirms a server whose count is unknown, even after a low read', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { boards: 0, lowReads: 1 })], reads: [unknown('i-1', 'query failed: 503')] }));
    expect(serverOf(plan, 'i-1')?.phase).toBe('draining');
    expect(plan.drained).toEqual([]);
    expect(plan.ask).toEqual([{ instanceId: 'i-1', kind: 'unknown', reason: 'board count unknown (query failed: 503), which is never taken as empty' }]);
  });

  it('lists a drained server only in the tick it was confirmed, and keeps its last count', () => {
    const first = planDrain(input({ servers: [draining('i-1', { lowReads: 1 })], reads: [read('i-1', 0)] }));
    const second = planDrain(input({ servers: first.servers, reads: [unknown('i-1', 'no series')] }));
    expect(first.drained).toEqual(['i-1']);
    expect(second.drained).toEqual([]);
    expect(second.ask).toEqual([]);
    expect(serverOf(second, 'i-1')).toMatchObject({ phase: 'drained', boards: 0, unknown: null });
  });

  it('drains a stuck server that reads low twice after all', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { phase: 'stuck', hookAttempts: 2, lowReads: 1 })], reads: [read('i-1', 0)] }));
    expect(plan.drained).toEqual(['i-1']);
    expect(plan.ask).toEqual([]);
  });
});

describe('drain planner: servers that do not drain in time', () => {
  it('keeps waiting until the server timeout has passed', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { hookedAt: NOW - 10 * MINUTE + 1 })], reads: [read('i-1', 30)] }));
    expect(plan.hook).toEqual([]);
    expect(serverOf(plan, 'i-1')?.phase).toBe('draining');
  });

  it('sends the hook once more after the first timeout, keeping the low reads', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { hookedAt: NOW - 10 * MINUTE })], reads: [read('i-1', 0)] }));
    expect(plan.hook).toEqual(['i-1']);
    expect(serverOf(plan, 'i-1')).toMatchObject({ phase: 'draining', hookAttempts: 2, hookedAt: NOW, lowReads: 1 });
  });

  it('marks the server stuck after the second attempt times out and asks, naming its count and the time', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { hookedAt: NOW - 12 * MINUTE, hookAttempts: 2 })], reads: [read('i-1', 42)] }));
    expect(plan.hook).toEqual([]);
    expect(serverOf(plan, 'i-1')?.phase).toBe('stuck');
    expect(plan.ask).toEqual([{ instanceId: 'i-1', kind: 'stuck', reason: 'still has 42 boards 12m after the second drain hook' }]);
  });

  it('asks about a stuck server whose count became unknown as unknown, saying it had not drained', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { phase: 'stuck', hookedAt: NOW - 15 * MINUTE, hookAttempts: 2 })], reads: [unknown('i-1', 'up == 0')] }));
    expect(plan.ask).toEqual([
      { instanceId: 'i-1', kind: 'unknown', reason: 'board count unknown (up == 0), which is never taken as empty; it had not drained 15m after the second drain hook' },
    ]);
  });
});

describe('drain planner: servers a human forced', () => {
  it.each([
    { case: 'a stuck server', server: draining('i-1', { phase: 'stuck', hookAttempts: 2 }), reads: [read('i-1', 42)] },
    { case: 'a server whose count is unknown', server: draining('i-1'), reads: [unknown('i-1')] },
    { case: 'a server never hooked', server: serving('i-1'), reads: [] },
  ])('retires $case without asking', ({ server, reads }) => {
    const plan = planDrain(input({ servers: [server], reads, forced: ['i-1'] }));
    expect(plan.drained).toEqual(['i-1']);
    expect(serverOf(plan, 'i-1')?.phase).toBe('drained');
    expect(plan.ask).toEqual([]);
    expect(plan.done).toBe(true);
  });

  it('does not list a forced server again once it is drained', () => {
    const plan = planDrain(input({ servers: [serving('i-1', { phase: 'drained' })], forced: ['i-1'] }));
    expect(plan.drained).toEqual([]);
  });
});

describe('drain planner: waves', () => {
  it('starts the next wave largest first within the wave limit and marks its servers', () => {
    const servers = [serving('i-1'), serving('i-2'), serving('i-3'), serving('i-4')];
    const reads = [read('i-1', 120), read('i-2', 200), read('i-3', 90), read('i-4', 60)];
    const plan = planDrain(input({ servers, reads, wave: 2 }));
    // 200 first, 120 would pass 300, 90 fits (290), 60 would pass 300.
    expect(plan.hook).toEqual(['i-2', 'i-3']);
    expect(plan.wave).toBe(3);
    expect(serverOf(plan, 'i-2')).toMatchObject({ phase: 'draining', hookedAt: NOW, hookAttempts: 1, lowReads: 0, wave: 3 });
    expect(serverOf(plan, 'i-1')?.phase).toBe('serving');
    expect(plan.projectedPerNewServer).toBe((200 + 290) / 2);
  });

  it('keeps the projected boards per new server within capacity', () => {
    const servers = [serving('i-1'), serving('i-2'), serving('i-3')];
    const reads = [read('i-1', 150), read('i-2', 100), read('i-3', 40), read('n-1', 300), read('n-2', 300)];
    const plan = planDrain(input({ servers, reads }));
    // Room for 800 - 600 = 200 boards: 150 then 40.
    expect(plan.hook).toEqual(['i-1', 'i-3']);
    expect(plan.projectedPerNewServer).toBe(395);
  });

  it('sends a server above the wave limit alone when nothing smaller is left', () => {
    const plan = planDrain(input({ servers: [serving('i-1'), serving('i-2')], reads: [read('i-1', 350), read('i-2', 320)] }));
    expect(plan.hook).toEqual(['i-1']);
  });

  it('prefers servers under the wave limit to one above it', () => {
    const plan = planDrain(input({ servers: [serving('i-1'), serving('i-2')], reads: [read('i-1', 350), read('i-2', 20)] }));
    expect(plan.hook).toEqual(['i-2']);
  });

  it('starts no wave while a server of the previous wave is still draining', () => {
    const plan = planDrain(input({ servers: [draining('i-1'), serving('i-2')], reads: [read('i-1', 30), read('i-2', 10)] }));
    expect(plan.hook).toEqual([]);
    expect(plan.wave).toBe(1);
    expect(plan.hold).toBeNull();
  });

  it('starts the next wave in the tick the last server of the previous one is confirmed drained', () => {
    const plan = planDrain(input({ servers: [draining('i-1', { lowReads: 1 }), serving('i-2')], reads: [read('i-1', 0), read('i-2', 10)] }));
    expect(plan.drained).toEqual(['i-1']);
    expect(plan.hook).toEqual(['i-2']);
    expect(plan.wave).toBe(2);
  });

  it.each([
    {
      case: 'even the smallest server does not fit under capacity',
      reads: [read('i-3', 180), read('i-4', 250), read('n-1', 330), read('n-2', 330)],
      newServerIds: ['n-1', 'n-2'],
      hold: "moving i-3's 180 boards would put 420 boards on each new server; capacity is 400",
    },
    {
      case: 'a new server cannot be read',
      reads: [read('i-3', 10), read('i-4', 10), unknown('n-2', 'no series')],
      newServerIds: ['n-1', 'n-2'],
      hold: 'boards on new server n-2 unknown: no series; the load a wave would add cannot be projected',
    },
    {
      case: 'there are no new servers',
      reads: [read('i-3', 10), read('i-4', 10)],
      newServerIds: [],
      hold: 'there are no new servers to move boards to',
    },
  ])('holds the next wave when $case', ({ reads, newServerIds, hold }) => {
    const plan = planDrain(input({ servers: [serving('i-3'), serving('i-4')], reads, newServerIds }));
    expect(plan.hold).toBe(hold);
    expect(plan.hook).toEqual([]);
    expect(plan.wave).toBe(1);
    expect(plan.servers.map((s) => s.phase)).toEqual(['serving', 'serving']);
  });

  it.each([
    { case: 'an old server cannot be read', servers: [serving('i-1'), serving('i-2')], reads: [unknown('i-1'), read('i-2', 10)] },
    { case: 'a server is stuck', servers: [draining('i-1', { phase: 'stuck', hookAttempts: 2 }), serving('i-2')], reads: [read('i-1', 9), read('i-2', 10)] },
    { case: 'boards were lost', servers: [serving('i-1'), serving('i-2')], reads: [read('i-1', 10), read('i-2', 10)], baselineTotal: 1000 },
  ])('starts no wave while $case', ({ servers, reads, baselineTotal }) => {
    const plan = planDrain(input({ servers, reads, baselineTotal }));
    expect(plan.hook).toEqual([]);
    expect(plan.wave).toBe(1);
    expect(plan.ask.length + (plan.drop ? 1 : 0)).toBeGreaterThan(0);
  });
});

describe('drain planner: total boards', () => {
  const servers = [draining('i-1'), serving('i-2', { phase: 'drained', boards: 0 })];

  it('reports a fall beyond the tolerance with the numbers', () => {
    const plan = planDrain(input({ servers, reads: [read('i-1', 500), read('n-1', 100), read('n-2', 100)], baselineTotal: 1000 }));
    expect(plan.drop).toBe('boards fell from 1000 to 700 (−30%), tolerance 10%');
  });

  it.each([
    { case: 'a fall within the tolerance', i1: 700, baselineTotal: 1000, drop: false },
    { case: 'a fall of exactly the tolerance', i1: 700, baselineTotal: 1000, drop: false, newBoards: 100 },
    { case: 'a fall just beyond the tolerance', i1: 699, baselineTotal: 1000, drop: true, newBoards: 100 },
  ])('$case: drop reported is $drop', ({ i1, baselineTotal, drop, newBoards = 150 }) => {
    const plan = planDrain(input({ servers, reads: [read('i-1', i1), read('n-1', newBoards), read('n-2', newBoards)], baselineTotal }));
    expect(plan.drop !== null).toBe(drop);
  });

  it('counts a drained server with its final count although it is no longer read', () => {
    const plan = planDrain(input({ servers: [draining('i-1'), serving('i-2', { phase: 'drained', boards: 3 })], reads: [read('i-1', 697)], baselineTotal: 1000 }));
    expect(plan.drop).toBeNull();
  });

  it.each([
    { case: 'an old server', reads: [unknown('i-1')] },
    { case: 'a new server', reads: [read('i-1', 10), unknown('n-1')] },
  ])('skips the check while $case cannot be read', ({ reads }) => {
    expect(planDrain(input({ servers, reads, baselineTotal: 1000 })).drop).toBeNull();
  });
});

describe('drain planner: progress', () => {
  it('is done when every old server is drained, and not before', () => {
    expect(planDrain(input({ servers: [draining('i-1', { lowReads: 1 })], reads: [read('i-1', 0)] })).done).toBe(true);
    expect(planDrain(input({ servers: [draining('i-1', { lowReads: 1 })], reads: [read('i-1', 1)] })).done).toBe(false);
  });

  it('projects the boards of the draining wave onto the new servers, or nothing when a count is unknown', () => {
    expect(planDrain(input({ servers: [draining('i-1')], reads: [read('i-1', 50)] })).projectedPerNewServer).toBe(125);
    expect(planDrain(input({ servers: [draining('i-1')], reads: [unknown('i-1')] })).projectedPerNewServer).toBeNull();
    expect(planDrain(input({ servers: [draining('i-1')], reads: [read('i-1', 50), unknown('n-1')] })).projectedPerNewServer).toBeNull();
  });

  it('keeps every server in its place, returns the same plan for the same input and leaves the input untouched', () => {
    const given = input({
      servers: [serving('i-1'), draining('i-2', { lowReads: 1 }), serving('i-3', { phase: 'drained', boards: 0 }), draining('i-4', { phase: 'stuck', hookAttempts: 2 })],
      reads: [read('i-1', 40), read('i-2', 0), read('i-4', 7)],
    });
    const snapshot = structuredClone(given);
    const plan = planDrain(given);
    expect(plan.servers.map((s) => s.instanceId)).toEqual(['i-1', 'i-2', 'i-3', 'i-4']);
    expect(planDrain(given)).toEqual(plan);
    expect(given).toEqual(snapshot);
  });
});
