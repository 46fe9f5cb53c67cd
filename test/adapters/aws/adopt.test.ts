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

const tagsOf = (id: string) => ({ ...account.emulator.state.ec2.instance(id)?.tags });
const ids = (instances: { instanceId: string }[]) => instances.map((i) => i.instanceId);

describe('AWS fleet: adopting canaries into the fleet', () => {
  it('retags a canary as fleet of the release, keeping the tags that say who launched it', async () => {
    await start();
    const [canary] = await account.fleet.launch(account.request(image));
    await account.fleet.adopt(account.service, [canary.instanceId], 'rel-0007');
    expect(tagsOf(canary.instanceId)).toEqual({
      team: 'boards',
      service: 'board',
      role: 'fleet',
      'release-bot:managed-by': 'release-bot',
      'release-bot:service': 'board',
      'release-bot:version': '1.5.0',
      'release-bot:role': 'fleet',
      'release-bot:deploy-id': 'rel-0007',
    });
    const [call] = account.emulator.requests.calls('CreateTags');
    expect(call.params).toMatchObject({ 'ResourceId.1': canary.instanceId, 'Tag.1.Key': 'service', 'Tag.1.Value': 'board' });
    expect(Object.keys(call.params).filter((k) => /^Tag\.\d+\.Key$/.test(k))).toHaveLength(4);
  });

  it('makes serving count an adopted canary once, as fleet, and the release rediscover it with what it launched', async () => {
    await start();
    const [canary] = await account.fleet.launch(account.request(image));
    const launched = await account.fleet.launch(account.request(image, { role: 'fleet', deployId: 'rel-0007', step: 'launch-fleet' }));
    await account.fleet.adopt(account.service, [canary.instanceId], 'rel-0007');

    const serving = await account.fleet.serving(account.service);
    expect(ids(serving).filter((id) => id === canary.instanceId)).toHaveLength(1);
    expect(serving.find((i) => i.instanceId === canary.instanceId)?.tags['release-bot:role']).toBe('fleet');
    expect(ids(await account.fleet.launchedBy(account.service, 'rel-0007')).sort()).toEqual([canary.instanceId, ...ids(launched)].sort());
    expect(await account.fleet.launchedBy(account.service, 'pre-0042')).toEqual([]);
  });

  it('sends nothing when the instances already carry the adoption tags', async () => {
    await start();
    const canaries = await account.fleet.launch(account.request(image, { count: 2 }));
    await account.fleet.adopt(account.service, ids(canaries), 'rel-0007');
    await account.fleet.adopt(account.service, ids(canaries), 'rel-0007');
    expect(account.emulator.requests.calls('CreateTags')).toHaveLength(1);
    expect(account.emulator.requests.calls('CreateTags')[0].params).toMatchObject({ 'ResourceId.1': canaries[0].instanceId, 'ResourceId.2': canaries[1].instanceId });
  });

  it('refuses instances the bot did not launch and then retags nothing at all', async () => {
    await start({ fleet: { version: '1.4.2', count: 1, launchedByBot: false } });
    const [canary] = await account.fleet.launch(account.request(image));
    const [foreign] = account.seeded.fleet;
    const before = [tagsOf(canary.instanceId), tagsOf(foreign.instanceId)];
    const err = await account.fleet.adopt(account.service, [canary.instanceId, foreign.instanceId], 'rel-0007').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DependencyError', system: 'aws', code: 'NotManagedByBot' });
    expect((err as Error).message).toMatch(/^Refusing to adopt /);
    expect((err as Error).message).toContain(foreign.instanceId);
    expect((err as Error).message).not.toContain(canary.instanceId);
    expect(account.emulator.requests.calls('CreateTags')).toHaveLength(0);
    expect([tagsOf(canary.instanceId), tagsOf(foreign.instanceId)]).toEqual(before);
  });

  it('refuses a canary the bot launched for another service', async () => {
    await start();
    const [chatCanary] = await account.fleet.launch(account.request(image, { service: { ...account.service, name: 'chat' } }));
    const before = tagsOf(chatCanary.instanceId);
    await expect(account.fleet.adopt(account.service, [chatCanary.instanceId], 'rel-0007')).rejects.toMatchObject({ code: 'NotManagedByBot' });
    expect(tagsOf(chatCanary.instanceId)).toEqual(before);
  });

  it('refuses instances that are terminated or unknown, so a release never counts a server that is gone', async () => {
    await start();
    const [kept, gone] = await account.fleet.launch(account.request(image, { count: 2 }));
    await account.fleet.terminate(account.service, [gone.instanceId]);
    const err = await account.fleet.adopt(account.service, [kept.instanceId, gone.instanceId, 'i-0123456789abcdef0'], 'rel-0007').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DependencyError', system: 'aws', code: 'IncorrectInstanceState' });
    expect((err as Error).message).toContain(`${gone.instanceId}, i-0123456789abcdef0`);
    expect(account.emulator.requests.calls('CreateTags')).toHaveLength(0);
    expect(tagsOf(kept.instanceId)['release-bot:role']).toBe('canary');
  });

  it('reports a failed CreateTags as a DependencyError naming the action and code', async () => {
    await start();
    const [canary] = await account.fleet.launch(account.request(image));
    account.emulator.faults.add({ action: 'CreateTags', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', status: 403 });
    const err = await account.fleet.adopt(account.service, [canary.instanceId], 'rel-0007').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DependencyError', system: 'aws', code: 'UnauthorizedOperation' });
    expect((err as Error).message).toMatch(/^AWS CreateTags failed with UnauthorizedOperation \(HTTP 403\)/);
    expect(tagsOf(canary.instanceId)['release-bot:deploy-id']).toBe('pre-0042');
  });

  it('makes no calls for an empty list of instances', async () => {
    await start();
    await account.fleet.adopt(account.service, [], 'rel-0007');
    expect(account.emulator.requests.all().map((r) => r.action)).toEqual(['DescribeImages']);
  });
});
