import { createAwsFleet } from '../../../src/adapters/aws/fleet.js';
import type { ServiceConfig } from '../../../src/config/catalog.js';
import type { Image, LaunchRequest } from '../../../src/deploy/ports.js';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import type { IamOptions } from '../../../src/sandbox/aws/iam-authorizer.js';
import { seedService, type SeedServiceOptions } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';
import { testCredentials } from '../../sandbox/aws/sdk-clients.js';

export interface AccountOptions {
  service?: ServiceConfig;
  fleet?: SeedServiceOptions['fleet'];
  maxAttempts?: number;
  pageSize?: number;
  /** Enforce an identity policy on the adapter's calls (default: none). */
  iam?: IamOptions;
}

/** The catalog's board service in an emulated account, and the real adapter talking to it over HTTP. */
export async function emulatedAccount(options: AccountOptions = {}) {
  const time = new ManualTime('2026-03-01T12:00:00.000Z');
  const emulator = new AwsEmulator({ time, bootDelayMs: 10_000, shutdownDelayMs: 1_000, health: { delayMs: 5_000, intervalMs: 5_000 }, iam: options.iam });
  const service = options.service ?? exampleService();
  const seeded = seedService(emulator.state, service, {
    versions: [
      { version: '1.4.1', commit: 'aaa111' },
      { version: '1.4.2', commit: 'bbb222' },
      { version: '1.5.0', commit: 'ccc333' },
    ],
    fleet: options.fleet ?? { version: '1.4.2', count: 2 },
    deregistrationDelaySeconds: 30,
  });
  const { url } = await emulator.listen();
  const fleet = createAwsFleet({
    endpoints: { ec2: url, elbv2: url },
    credentials: testCredentials,
    maxAttempts: options.maxAttempts ?? 1,
    pageSize: options.pageSize,
  });
  return {
    time,
    emulator,
    service,
    seeded,
    fleet,
    url,
    request(image: Image, overrides: Partial<LaunchRequest> = {}): LaunchRequest {
      return { service, image, count: 1, deployId: 'pre-0042', step: 'launch-canaries', role: 'canary', ...overrides };
    },
    async close() {
      fleet.destroy();
      await emulator.close();
    },
  };
}

export type EmulatedAccount = Awaited<ReturnType<typeof emulatedAccount>>;
