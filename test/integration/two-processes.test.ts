import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { openStore } from '../../src/store/open-store.js';
import { clickTogether, commandTogether, FIRST, SECOND, twoApprovers } from '../support/together.js';
import { fastRelease, startWorld, USERS, waitFor, type BotProcess, type World } from '../support/world.js';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

/**
 * Two bot processes on one database, as during a rolling restart or with a standby: each answers
 * its own Slack requests, and the same click or command sent to both at the same moment counts once.
 */
describe('two bot processes on one database', () => {
  let world: World;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bots: BotProcess[];

  beforeAll(async () => {
    world = await startWorld({ catalog: (yaml) => twoApprovers(fastRelease(yaml)), boards: { initialBoards: 10 } });
    bots = await Promise.all(['one', 'two'].map((name) => world.startProcess(name, { LEADER_LEASE: '2s' })));
    store = await openStore({ file: join(world.env.DATA_DIR, 'release-bot.sqlite') });
  });

  afterAll(async () => {
    await store.close();
    await world.close();
  });

  it('elects one leader; both answer /healthz with 200, and /metrics says which leads', async () => {
    const health = await Promise.all(bots.map((b) => b.health()));
    expect(health.map((h) => h?.role).sort()).toEqual(['leader', 'standby']);
    const leader = health.find((h) => h?.role === 'leader')!;
    expect(health.map((h) => h?.leader)).toEqual([leader.holder, leader.holder]);

    for (const [i, bot] of bots.entries()) {
      const metrics = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
      expect(metrics).toContain(`release_bot_leader{holder="${health[i]!.holder}"} ${health[i]!.role === 'leader' ? 1 : 0}`);
    }
  });

  it('starts one pre-release for the same request typed in both, and records one of two Approve clicks', async () => {
    const answers = await commandTogether(world, '/prerelease', 'board 1.1.0', bots.map((to) => ({ user: USERS.deployer, to })));
    expect(answers.filter((a) => a.includes('started: follow it'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('already running'))).toHaveLength(1);
    const prereleases = await store.listDeploys({ kind: 'prerelease' });
    expect(prereleases).toHaveLength(1);

    const parent = await waitFor(() => world.parents().find((p) => text(p).includes(PRERELEASE_ACTIONS.approve)), 30_000, 'the canary to soak');
    const [deploy] = prereleases;
    // Past the minimum soak, so Approve records at once instead of asking for a reason.
    await waitFor(async () => ((await store.getDeploy(deploy.id))!.facts.soakStartedAt as number) + 3_000 < Date.now(), 10_000, 'the minimum soak');

    const clicks = await clickTogether(world, parent.ts, PRERELEASE_ACTIONS.approve, [
      { user: FIRST, to: bots[0] },
      { user: SECOND, to: bots[1] },
    ]);
    expect(clicks.filter((a) => a.includes('Approval recorded'))).toHaveLength(1);
    expect(clicks.filter((a) => /already being carried out|has ended \(approved\)/.test(a))).toHaveLength(1);

    await waitFor(async () => (await store.getDeploy(deploy.id))?.outcome === 'approved', 15_000, 'the approval');
    expect((await store.audit({ deployId: deploy.id })).filter((a) => a.action === 'approve')).toHaveLength(1);
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(1);
    expect(world.emulator.requests.calls('TerminateInstances')).toHaveLength(0);
    expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === deploy.id).map((i) => i.state)).toEqual(['running']);
  });

  it('plans one release for two /release typed in both, and starts it once for two Start clicks: one RunInstances batch', async () => {
    const fleet = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.role] === 'fleet' && i.state === 'running');
    const answers = await commandTogether(world, '/release', 'board 1.2.0 --reason two releasers at once', [
      { user: FIRST, to: bots[0] },
      { user: SECOND, to: bots[1] },
    ]);
    expect(answers.filter((a) => a.includes('press Start there'))).toHaveLength(1);
    expect(answers.filter((a) => /already under way|being planned/.test(a))).toHaveLength(1);
    const releases = await store.listDeploys({ kind: 'release' });
    expect(releases).toHaveLength(1);

    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 15_000, 'the release plan');
    const launchesBefore = world.emulator.requests.calls('RunInstances').length;
    const clicks = await clickTogether(world, plan.ts, RELEASE_ACTIONS.start, [
      { user: FIRST, to: bots[0] },
      { user: SECOND, to: bots[1] },
    ]);
    expect(clicks.filter((a) => a.includes('Release started'))).toHaveLength(1);
    expect(clicks.filter((a) => /already pressed|already started/.test(a))).toHaveLength(1);

    const [release] = releases;
    const launched = () => world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === release.id);
    await waitFor(() => launched().length === fleet.length && launched().every((i) => i.state === 'running'), 30_000, 'the new servers to run');
    await waitFor(async () => !['planned', 'launching'].includes((await store.getDeploy(release.id))!.state), 30_000, 'the release to move past launching');
    expect(world.emulator.requests.calls('RunInstances').length - launchesBefore).toBe(1);
    expect(launched()).toHaveLength(fleet.length);
    expect((await store.audit({ deployId: release.id })).filter((a) => a.action === 'start')).toHaveLength(1);
  });
});
