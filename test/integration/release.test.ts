import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { fastRelease, startWorld, USERS, waitFor, type World } from '../support/world.js';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe('a release over the real Bolt app in HTTP mode, with signed requests', () => {
  let world: World;

  beforeEach(async () => {
    world = await startWorld({ catalog: fastRelease, boards: { initialBoards: 30 } });
    await world.startInProcess();
  });

  afterEach(async () => {
    await world.close();
  });

  const byVersion = (version: string) => world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.version] === version);

  it('plans, starts, gates, drains in waves guided by board counts, retires and announces, losing no board', async () => {
    const oldFleet = byVersion('1.0.0').map((i) => i.instanceId);
    await world.command(USERS.approver, 'board 1.1.0 --reason integration test of the swap', '/release');
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 15_000, 'the release plan');
    expect(text(plan)).toContain('1.1.0');

    await world.command(USERS.approver, 'board 1.2.0 --reason second one', '/release');
    await waitFor(() => world.ephemeralTexts(USERS.approver).some((e) => e.includes('already under way')), 10_000, 'the lock refusal');

    await world.click(USERS.deployer, plan, RELEASE_ACTIONS.start);
    await waitFor(() => world.ephemeralTexts(USERS.deployer).some((e) => e.includes('not allowed to release')), 5_000, 'a refusal for a non-releaser');

    await world.click(USERS.approver, plan, RELEASE_ACTIONS.start);
    await waitFor(() => world.parents().some((p) => p.ts === plan.ts && /released/i.test(p.text)), 90_000, 'the release to finish');

    const fresh = byVersion('1.1.0').filter((i) => i.state === 'running');
    expect(fresh).toHaveLength(oldFleet.length);
    await waitFor(() => oldFleet.every((id) => world.emulator.state.ec2.instances().find((i) => i.instanceId === id)?.state === 'terminated'), 10_000, 'the old servers to be terminated');
    expect(world.sim!.lost.boards).toBe(0);
    expect(new Set(world.sim!.hookCalls.map((h) => h.instanceId))).toEqual(new Set(oldFleet));
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(1);
    expect(world.prometheus!.queries.some((q) => q.query.includes('rtb_spaces_count'))).toBe(true);

    for (const key of ['BOARD-107', 'BOARD-108', 'BOARD-110']) expect(world.jira.issue(key).status).toBe('Done');
    expect(world.jira.versions('BOARD').find((v) => v.name === 'board-1.1.0')?.released).toBe(true);
    expect(world.jira.requests.some((r) => r.path.includes('/search'))).toBe(false);

    const story = world.thread(plan).map(text).join('\n');
    expect(story).toMatch(/wave 1/i);
    const announcement = world.slack.workspace.messages('C0RELEASE1');
    expect(announcement).toHaveLength(1);
    expect(text(announcement[0])).toContain('1.1.0');
  });

  it('refuses a version without an approved pre-release unless a reason is given', async () => {
    await world.command(USERS.approver, 'board 1.1.0', '/release');
    await waitFor(() => world.ephemeralTexts(USERS.approver).some((e) => e.includes('no approved pre-release')), 10_000, 'the refusal');
    expect(world.parents()).toHaveLength(0);
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(0);
  });
});
