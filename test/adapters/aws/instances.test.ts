import { afterEach, describe, expect, it } from 'vitest';
import type { Image } from '../../../src/deploy/ports.js';
import { emulatedAccount, type EmulatedAccount } from './emulated-account.js';

let account: EmulatedAccount;
let image: Image;
afterEach(() => account.close());

async function start(options: Parameters<typeof emulatedAccount>[0] = {}) {
  account = await emulatedAccount(options);
  image = (await account.fleet.findImage(account.service, '1.5.0'))!;
}

const ids = (instances: { instanceId: string }[]) => instances.map((i) => i.instanceId);

describe('AWS fleet: finding instances', () => {
  it('describes instances in the order asked, skipping IDs that no longer exist', async () => {
    await start();
    const [a, b] = account.seeded.fleet;
    const found = await account.fleet.describe(account.service, [b.instanceId, 'i-0123456789abcdef0', a.instanceId]);
    expect(ids(found)).toEqual([b.instanceId, a.instanceId]);
    expect(found[0]).toMatchObject({ state: 'running', imageId: account.seeded.images[1].imageId, privateIp: b.privateIp });
    expect(await account.fleet.describe(account.service, [])).toEqual([]);
  });

  it('rediscovers everything a deploy launched from its tags, across pages', async () => {
    await start({ pageSize: 5 });
    const first = await account.fleet.launch(account.request(image, { count: 7, role: 'fleet', deployId: 'rel-0007', step: 'launch-fleet' }));
    await account.fleet.launch(account.request(image, { count: 1, deployId: 'pre-0043' }));
    const second = await account.fleet.launch(account.request(image, { count: 5, role: 'fleet', deployId: 'rel-0007', step: 'replace-lost' }));
    account.emulator.requests.clear();

    const found = await account.fleet.launchedBy(account.service, 'rel-0007');
    expect(ids(found).sort()).toEqual([...ids(first), ...ids(second)].sort());
    expect(account.emulator.requests.calls('DescribeInstances').map((c) => c.params.MaxResults)).toEqual(['5', '5', '5']);
  });

  it('counts the running fleet and the bot’s canaries as serving, but nothing terminated', async () => {
    await start();
    const [canary] = await account.fleet.launch(account.request(image));
    const [replacement] = await account.fleet.launch(account.request(image, { role: 'fleet', deployId: 'rel-0007', step: 'launch-fleet' }));
    const [gone] = await account.fleet.launch(account.request(image, { deployId: 'pre-0041' }));
    await account.fleet.terminate(account.service, [gone.instanceId, account.seeded.fleet[1].instanceId]);

    const serving = await account.fleet.serving(account.service);
    expect(ids(serving).sort()).toEqual([account.seeded.fleet[0].instanceId, canary.instanceId, replacement.instanceId].sort());

    await account.time.advance(1_000);
    expect(ids(await account.fleet.serving(account.service))).not.toContain(gone.instanceId);
  });

  it('does not count another service’s canaries or untagged instances as serving', async () => {
    await start();
    const chat = { ...account.service, name: 'chat' };
    await account.fleet.launch(account.request(image, { service: chat }));
    account.emulator.state.ec2.launch({ imageId: image.imageId, count: 1, tags: { service: 'board' } }, { running: true });
    expect(ids(await account.fleet.serving(account.service)).sort()).toEqual(ids(account.seeded.fleet).sort());
  });
});
