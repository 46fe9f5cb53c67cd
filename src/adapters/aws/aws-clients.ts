import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface RegionClients {
  ec2: EC2Client;
  elb: ElasticLoadBalancingV2Client;
}

export interface AwsClientOptions {
  /** Default: the SDK's credential chain. */
  credentials?: EC2ClientConfig['credentials'];
  /**
   * Endpoint overrides (the sandbox emulator serves both on one URL). Where absent the SDK
   * resolves the endpoint itself, honouring AWS_ENDPOINT_URL_EC2 / _ELASTIC_LOAD_BALANCING_V2.
   */
  endpoints?: { ec2?: string; elbv2?: string };
  /** Attempts per call including the first (SDK default 3); throttling and 5xx are retried with backoff. */
  maxAttempts?: number;
  /** `adaptive` adds client-side rate limiting on top of the standard retries. */
  retryMode?: 'standard' | 'adaptive';
}

/** One EC2 and one ELBv2 client per region, made on first use. */
export class AwsClientPool {
  private readonly byRegion = new Map<string, RegionClients>();

  constructor(private readonly options: AwsClientOptions) {}

  get(region: string): RegionClients {
    let clients = this.byRegion.get(region);
    if (!clients) {
      const { credentials, endpoints, maxAttempts, retryMode } = this.options;
      const config = { region, credentials, maxAttempts, retryMode };
      clients = {
        ec2: new EC2Client({ ...config, endpoint: endpoints?.ec2 }),
        elb: new ElasticLoadBalancingV2Client({ ...config, endpoint: endpoints?.elbv2 }),
      };
      this.byRegion.set(region, clients);
    }
    return clients;
  }

  /** Closes the clients' keep-alive connections. */
  destroy(): void {
    for (const { ec2, elb } of this.byRegion.values()) {
      ec2.destroy();
      elb.destroy();
    }
    this.byRegion.clear();
  }
}
