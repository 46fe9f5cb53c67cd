import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';

/** Fake keys: the emulator does not check signatures, the SDK only needs something to sign with. */
export const testCredentials = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' };

/** Real SDK clients pointed at an emulator, with no retries unless a test asks for them. */
export function sdkClients(url: string, maxAttempts = 1) {
  const config = { region: 'eu-west-1', endpoint: url, credentials: testCredentials, maxAttempts };
  const ec2 = new EC2Client(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  return {
    ec2,
    elb,
    destroy() {
      ec2.destroy();
      elb.destroy();
    },
  };
}

/** The rejection of a promise, for asserting on error fields. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown> & Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
