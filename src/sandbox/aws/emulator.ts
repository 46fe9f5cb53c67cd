import { CloudState, type CloudStateOptions } from './cloud-state.js';
import { dispatchQuery, type QueryResponse } from './dispatch.js';
import { Faults } from './faults.js';
import { Authorizer, type IamOptions } from './iam-authorizer.js';
import { RequestLog } from './request-log.js';
import { serveQuery, type RunningEndpoint } from './server.js';

export interface AwsEmulatorOptions extends CloudStateOptions {
  /** Enforce this identity policy on every request, as IAM would (default: everything is allowed). */
  iam?: IamOptions;
}

/**
 * A local EC2 + ELBv2 endpoint speaking the AWS Query protocol: the model, its fault switches,
 * the log of what clients sent, and HTTP servers. Listen to `state.events` to follow instances
 * and targets (the sandbox starts a board server when an instance is running).
 */
export class AwsEmulator {
  readonly state: CloudState;
  readonly faults = new Faults();
  readonly requests = new RequestLog();
  /** Undefined unless the emulator was given an `iam` policy. */
  readonly authorizer: Authorizer | undefined;
  private readonly endpoints = new Set<RunningEndpoint>();

  constructor({ iam, ...options }: AwsEmulatorOptions = {}) {
    const check = options.health?.check ?? (() => true);
    this.state = new CloudState({
      ...options,
      health: { ...options.health, check: (instance, group, port) => this.faults.healthOf(instance.instanceId) ?? check(instance, group, port) },
    });
    this.authorizer = iam && new Authorizer(iam, this.state.accountId);
  }

  handle(body: string): QueryResponse {
    return dispatchQuery(body, this.state, this.faults, this.requests, this.authorizer);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<RunningEndpoint> {
    const endpoint = await serveQuery((body) => this.handle(body), port, host);
    this.endpoints.add(endpoint);
    return {
      url: endpoint.url,
      close: async () => {
        this.endpoints.delete(endpoint);
        await endpoint.close();
      },
    };
  }

  /** Closes every endpoint and stops the model's timers. */
  async close(): Promise<void> {
    const open = [...this.endpoints];
    this.endpoints.clear();
    this.state.dispose();
    await Promise.all(open.map((e) => e.close()));
  }
}
