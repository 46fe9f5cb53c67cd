import { afterEach, describe, expect, it } from 'vitest';
import { emulatedAccount, type EmulatedAccount } from '../../adapters/aws/emulated-account.js';
import { readmePolicy } from '../../../src/sandbox/aws/readme-policy.js';

let account: EmulatedAccount;
afterEach(() => account.close());

describe('the bot’s AWS adapter under the README’s IAM policy', () => {
  it('gets every call of a release cycle past IAM: images, launch, targets, health, adoption, termination', async () => {
    account = await emulatedAccount({ iam: { policy: readmePolicy() } });
    const { fleet, service } = account;
    const image = (await fleet.findImage(service, '1.5.0'))!;
    await fleet.listImages(service, 5);
    expect(await fleet.missingTargetGroups(service)).toEqual([]);
    await fleet.deregistrationDelays(service);

    const [canary] = await fleet.launch(account.request(image));
    await fleet.register(service, [canary.instanceId]);
    await account.time.advance(15_000);
    expect((await fleet.health(service, [canary.instanceId])).map((h) => h.state)).toEqual(['healthy', 'healthy']);
    await fleet.adopt(service, [canary.instanceId], 'rel-0007');
    await fleet.serving(service);

    const old = account.seeded.fleet.map((i) => i.instanceId);
    await fleet.deregister(service, old);
    await fleet.terminate(service, old);
    await fleet.describe(service, old);

    const refused = account.emulator.requests.all().filter((r) => r.status !== 200);
    expect(refused).toEqual([]);
    expect([...new Set(account.emulator.requests.all().map((r) => r.action))]).toEqual(
      expect.arrayContaining([
        'DescribeImages',
        'DescribeTargetGroups',
        'DescribeTargetGroupAttributes',
        'RunInstances',
        'RegisterTargets',
        'DescribeTargetHealth',
        'DescribeInstances',
        'CreateTags',
        'DeregisterTargets',
        'TerminateInstances',
      ]),
    );
  });
});
