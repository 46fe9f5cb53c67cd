import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { expectOneApproval, expectOneStart, FIRST, SECOND, twoApprovers } from '../support/together.js';
import { fastRelease, startWorld, USERS, type World } from '../support/world.js';

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
    await expectOneApproval(world, store, [{ user: FIRST }, { user: SECOND }]);
  });

  it('two Start clicks on a release plan start one release: one RunInstances batch, one set of new servers', async () => {
    await world.command(FIRST, 'board 1.2.0 --reason two releasers at once', '/release');
    await expectOneStart(world, store, [{ user: FIRST }, { user: SECOND }]);
  });
});
