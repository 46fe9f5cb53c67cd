import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { fastRelease, startWorld, USERS, waitFor, type World } from '../support/world.js';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe('a bot killed in the middle of a drain', () => {
  let world: World;

  beforeEach(async () => {
    // Big servers and slow reconnects: each old server is its own wave and takes a while.
    world = await startWorld({ catalog: fastRelease, boards: { initialBoards: 200, movePerTick: 4 } });
  });

  afterEach(async () => {
    await world.close();
  });

  it('resumes after SIGKILL, launches nothing twice and terminates nothing that still holds boards', async () => {
    const oldFleet = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.version] === '1.0.0').map((i) => i.instanceId);
    await world.startChild();
    await world.command(USERS.approver, 'board 1.1.0 --reason restart drill', '/release');
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 30_000, 'the plan');
    await world.click(USERS.approver, plan, RELEASE_ACTIONS.start);
    await waitFor(() => world.thread(plan).some((m) => /wave 1/i.test(m.text)), 60_000, 'the first wave');

    await world.killChild();
    const launches = world.emulator.requests.calls('RunInstances').length;
    const terminatedWhileDown = world.emulator.state.ec2.instances().filter((i) => i.state !== 'running' && oldFleet.includes(i.instanceId));
    expect(terminatedWhileDown).toHaveLength(0);

    await world.startChild();
    await waitFor(() => world.parents().some((p) => p.ts === plan.ts && /released/i.test(p.text)), 120_000, 'the release to finish after the restart');

    expect(world.emulator.requests.calls('RunInstances').length).toBe(launches);
    expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.version] === '1.1.0')).toHaveLength(oldFleet.length);
    expect(world.sim!.lost.boards).toBe(0);
    expect(world.parents()).toHaveLength(1);
    await waitFor(() => oldFleet.every((id) => world.emulator.state.ec2.instances().find((i) => i.instanceId === id)?.state === 'terminated'), 10_000, 'the old servers to go');
  });
});
