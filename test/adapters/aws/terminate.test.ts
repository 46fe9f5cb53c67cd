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

const stateOf = (id: string) => account.emulator.state.ec2.instance(id)?.state;

describe('AWS fleet: terminate', () => {
  it('terminates instances the bot launched for the service', async () => {
    await start();
    const canaries = await account.fleet.launch(account.request(image, { count: 2 }));
    await account.fleet.terminate(account.service, canaries.map((i) => i.instanceId));
    expect(canaries.map((i) => stateOf(i.instanceId))).toEqual(['shutting-down', 'shutting-down']);
    expect(account.emulator.requests.calls('TerminateInstances')).toHaveLength(1);
  });

  it('refuses untagged instances and then terminates nothing at all', async () => {
    await start({ fleet: { version: '1.4.2', count: 1, launchedByBot: false } });
    const [canary] = await account.fleet.launch(account.request(image));
    const [foreign] = account.seeded.fleet;
    const err = await account.fleet.terminate(account.service, [canary.instanceId, foreign.instanceId]).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DependencyError', system: 'aws', code: 'NotManagedByBot' });
    expect((err as Error).message).toContain(foreign.instanceId);
    expect((err as Error).message).not.toContain(canary.instanceId);
    expect(account.emulator.requests.calls('TerminateInstances')).toHaveLength(0);
    expect([stateOf(canary.instanceId), stateOf(foreign.instanceId)]).toEqual(['pending', 'running']);
  });

  it('refuses instances the bot launched for another service', async () => {
    await start();
    const [chatCanary] = await account.fleet.launch(account.request(image, { service: { ...account.service, name: 'chat' } }));
    await expect(account.fleet.terminate(account.service, [chatCanary.instanceId])).rejects.toMatchObject({ code: 'NotManagedByBot' });
    expect(stateOf(chatCanary.instanceId)).toBe('pending');
  });

  it('treats instances already terminated or unknown as done', async () => {
    await start();
    const [canary] = await account.fleet.launch(account.request(image));
    await account.fleet.terminate(account.service, [canary.instanceId]);
    await account.time.advance(1_000);
    await account.fleet.terminate(account.service, [canary.instanceId, 'i-0123456789abcdef0']);
    expect(stateOf(canary.instanceId)).toBe('terminated');
    expect(account.emulator.requests.calls('TerminateInstances')).toHaveLength(1);
  });
});
