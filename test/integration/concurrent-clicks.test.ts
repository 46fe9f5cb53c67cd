import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { openStore } from '../../src/store/open-store.js';
import { clickTogether, FIRST, SECOND, twoApprovers } from '../support/together.js';
import { fastRelease, startWorld, USERS, waitFor, type World } from '../support/world.js';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe('two people pressing the same button at the same moment', () => {
  let world: World;
  let store: Awaited<ReturnType<typeof openStore>>;

  beforeAll(async () => {
    world = await startWorld({
      catalog: (yaml) => twoApprovers(fastRelease(yaml)),
      boards: { initialBoards: 10 },
    });
    await world.startInProcess();
    store = await openStore({ file: join(world.env.DATA_DIR, 'release-bot.sqlite') });
  });

  afterAll(async () => {
    await store.close();
    await world.close();
  });

  it('two Approve clicks on a pre-release record one approval and launch or remove nothing', async () => {
    await world.command(USERS.deployer, 'board 1.1.0');
    const parent = await waitFor(() => world.parents().find((p) => text(p).includes(PRERELEASE_ACTIONS.approve)), 20_000, 'the canary to soak');
    const [deploy] = await store.listDeploys({ kind: 'prerelease' });
    // Past the minimum soak, so Approve records at once instead of asking for a reason.
    await waitFor(async () => ((await store.getDeploy(deploy.id))!.facts.soakStartedAt as number) + 3_000 < Date.now(), 10_000, 'the minimum soak');

    const answers = await clickTogether(world, parent.ts, PRERELEASE_ACTIONS.approve, [{ user: FIRST }, { user: SECOND }]);
    expect(answers.filter((a) => a.includes('Approval recorded'))).toHaveLength(1);
    expect(answers.filter((a) => /already being carried out|has ended \(approved\)/.test(a))).toHaveLength(1);

    await waitFor(async () => (await store.getDeploy(deploy.id))?.outcome === 'approved', 10_000, 'the approval');
    expect((await store.audit({ deployId: deploy.id })).filter((a) => a.action === 'approve')).toHaveLength(1);
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(1);
    expect(world.emulator.requests.calls('TerminateInstances')).toHaveLength(0);
    const canaries = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === deploy.id);
    expect(canaries.map((i) => i.state)).toEqual(['running']);
  });

  it('two Start clicks on a release plan start one release: one RunInstances batch, one set of new servers', async () => {
    const fleet = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.role] === 'fleet' && i.state === 'running');
    await world.command(FIRST, 'board 1.2.0 --reason two releasers at once', '/release');
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 15_000, 'the release plan');
    const [release] = await store.listDeploys({ kind: 'release' });
    const launchesBefore = world.emulator.requests.calls('RunInstances').length;

    const answers = await clickTogether(world, plan.ts, RELEASE_ACTIONS.start, [{ user: FIRST }, { user: SECOND }]);
    expect(answers.filter((a) => a.includes('Release started'))).toHaveLength(1);
    expect(answers.filter((a) => /already pressed|already started/.test(a))).toHaveLength(1);

    const launched = () => world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === release.id);
    await waitFor(() => launched().length === fleet.length && launched().every((i) => i.state === 'running'), 20_000, 'the new servers to run');
    await waitFor(async () => !['planned', 'launching'].includes((await store.getDeploy(release.id))!.state), 20_000, 'the release to move past launching');
    expect(world.emulator.requests.calls('RunInstances').length - launchesBefore).toBe(1);
    expect(launched()).toHaveLength(fleet.length);
    expect((await store.audit({ deployId: release.id })).filter((a) => a.action === 'start')).toHaveLength(1);
  });
});
