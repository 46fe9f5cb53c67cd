import { afterEach, describe, expect, it } from 'vitest';
import { createAwsFleet } from '../../../src/adapters/aws/fleet.js';
import { DependencyError } from '../../../src/deploy/ports.js';
import { exampleService } from '../../support/catalog.js';
import { testCredentials } from '../../sandbox/aws/sdk-clients.js';
import { emulatedAccount, type EmulatedAccount } from './emulated-account.js';

let account: EmulatedAccount | undefined;
afterEach(async () => {
  await account?.close();
  account = undefined;
});

describe('AWS fleet: failures', () => {
  it('rides out one throttled call through the SDK’s retries', async () => {
    account = await emulatedAccount({ maxAttempts: 2 });
    account.emulator.faults.throttle('DescribeInstances');
    expect(await account.fleet.serving(account.service)).toHaveLength(2);
    expect(account.emulator.requests.calls('DescribeInstances').map((c) => c.errorCode)).toContain('RequestLimitExceeded');
  });

  it('reports throttling that outlasts the retries as a DependencyError naming code and action', async () => {
    account = await emulatedAccount({ maxAttempts: 2 });
    account.emulator.faults.throttle('DescribeTargetHealth', Infinity);
    const oneGroup = { ...account.service, targetGroups: account.service.targetGroups.slice(0, 1) };
    const err = await account.fleet.health(oneGroup, [account.seeded.fleet[0].instanceId]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyError);
    expect(err).toMatchObject({ system: 'aws', code: 'Throttling' });
    expect((err as Error).message).toMatch(/^AWS DescribeTargetHealth failed with Throttling \(HTTP 400\): Rate exceeded/);
    expect(account.emulator.requests.calls('DescribeTargetHealth')).toHaveLength(2);
  });

  it('reports an unreachable endpoint as a DependencyError', async () => {
    const fleet = createAwsFleet({ endpoints: { ec2: 'http://127.0.0.1:9', elbv2: 'http://127.0.0.1:9' }, credentials: testCredentials, maxAttempts: 1 });
    try {
      const err = await fleet.listImages(exampleService(), 5).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'DependencyError', system: 'aws', code: 'ECONNREFUSED' });
      expect((err as Error).message).toMatch(/^AWS DescribeImages failed before AWS answered \(ECONNREFUSED\)/);
    } finally {
      fleet.destroy();
    }
  });
});
