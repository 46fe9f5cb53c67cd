import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { locatePrometheusBinary } from '../support/prometheus-binary.js';
import { fastRelease, startWorld, USERS, waitFor, type World } from '../support/world.js';

const binary = locatePrometheusBinary();
const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe.skipIf(binary.skip)('a release guided by the real Prometheus binary', () => {
  let world: World;

  afterEach(async () => {
    await world.close();
  });

  it('pauses and terminates nothing when an old server\'s exporter dies mid-drain', async () => {
    world = await startWorld({
      // Slow reconnects and one server per wave, so the second old server is still full when the first drains.
      catalog: (yaml) => fastRelease(yaml).replace('gate: { minBoards: 2, timeout: 30s, observe: 1s }', 'gate: { minBoards: 2, timeout: 60s, observe: 1s }'),
      boards: { initialBoards: 200, movePerTick: 3 },
      realPrometheus: binary.path(),
    });
    await world.startInProcess();
    const oldFleet = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.version] === '1.0.0').map((i) => i.instanceId);
    await world.command(USERS.approver, 'board 1.1.0 --reason exporter failure drill', '/release');
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 20_000, 'the plan');
    await world.click(USERS.approver, plan, RELEASE_ACTIONS.start);
    await waitFor(() => world.thread(plan).some((m) => /wave 1/i.test(m.text)), 180_000, 'the first wave');

    const hooked = new Set(world.sim!.hookCalls.map((h) => h.instanceId));
    const waiting = oldFleet.find((id) => !hooked.has(id)) ?? oldFleet[0];
    world.sim!.breakExporter(waiting);
    await waitFor(() => world.parents().some((p) => p.ts === plan.ts && /paused/i.test(text(p))), 120_000, 'the release to pause');

    const story = world.thread(plan).map(text).join('\n');
    expect(story).toContain(waiting);
    expect(story).toMatch(/up == 0|unknown|not scraped/i);
    expect(world.emulator.state.ec2.instances().find((i) => i.instanceId === waiting)?.state).toBe('running');
    expect(world.sim!.boards.get(waiting)).toBeGreaterThan(0);
    expect(world.emulator.requests.calls('TerminateInstances')).toHaveLength(0);
  });
});
