import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { commandTogether, expectOneApproval, expectOneStart, FIRST, SECOND, twoApprovers } from '../support/together.js';
import { fastRelease, startWorld, USERS, type BotProcess, type World } from '../support/world.js';


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
    expect(await store.listDeploys({ kind: 'prerelease' })).toHaveLength(1);

    await expectOneApproval(world, store, [
      { user: FIRST, to: bots[0] },
      { user: SECOND, to: bots[1] },
    ]);
  });

  it('plans one release for two /release typed in both, and starts it once for two Start clicks: one RunInstances batch', async () => {
    const answers = await commandTogether(world, '/release', 'board 1.2.0 --reason two releasers at once', [
      { user: FIRST, to: bots[0] },
      { user: SECOND, to: bots[1] },
    ]);
    expect(answers.filter((a) => a.includes('press Start there'))).toHaveLength(1);
    expect(answers.filter((a) => /already under way|being planned/.test(a))).toHaveLength(1);
    expect(await store.listDeploys({ kind: 'release' })).toHaveLength(1);

    await expectOneStart(world, store, [
      { user: FIRST, to: bots[0] },
      { user: SECOND, to: bots[1] },
    ]);
  });
});
