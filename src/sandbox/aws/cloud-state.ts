import { EventEmitter } from 'node:events';
import { defaultPrivateIp, Ec2State } from './ec2-state.js';
import { ElbState } from './elb-state.js';
import type { CloudEventMap } from './events.js';
import { IdSource } from './ids.js';
import type { HealthChecker } from './model.js';
import { realTime, TimerSet, type Scheduler } from './time.js';

export interface CloudStateOptions {
  /** Defaults to the wall clock; tests pass a ManualTime. */
  time?: Scheduler;
  accountId?: string;
  region?: string;
  /** How long an instance stays `pending` (default 3 s). */
  bootDelayMs?: number;
  /** How long an instance stays `shutting-down` (default 1 s). */
  shutdownDelayMs?: number;
  health?: {
    /** From registration to the first health check (default 2 s). */
    delayMs?: number;
    /** Between health checks (default 5 s). */
    intervalMs?: number;
    /** Passes in a row that bring an unhealthy target back (default 5, as ALB). */
    healthyThreshold?: number;
    /** Failures in a row that make a target unhealthy (default 2, as ALB). */
    unhealthyThreshold?: number;
    /** Default: every running instance is healthy. The sandbox probes its board servers here. */
    check?: HealthChecker;
  };
  /** The private IP of the n-th launched instance (default 10.0.x.y). */
  privateIp?: (n: number) => string;
  /** Fixes the ID stem, for reproducible IDs. */
  idStem?: string;
}

/** The emulated account: EC2 and ELBv2 sharing one clock, one ID source and one event stream. */
export class CloudState {
  readonly time: Scheduler;
  readonly accountId: string;
  readonly region: string;
  readonly events = new EventEmitter<CloudEventMap>();
  readonly ec2: Ec2State;
  readonly elb: ElbState;
  private readonly timers: TimerSet;

  constructor(options: CloudStateOptions = {}) {
    this.time = options.time ?? realTime();
    this.timers = new TimerSet(this.time);
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'eu-west-1';
    const ctx = {
      time: this.time,
      timers: this.timers,
      events: this.events,
      ids: new IdSource(options.idStem),
      accountId: this.accountId,
      region: this.region,
      vpcId: 'vpc-0a1b2c3d4e5f60718',
    };
    this.ec2 = new Ec2State(ctx, {
      bootDelayMs: options.bootDelayMs ?? 3_000,
      shutdownDelayMs: options.shutdownDelayMs ?? 1_000,
      defaultSubnetId: 'subnet-0f1e2d3c4b5a69788',
      privateIp: options.privateIp ?? defaultPrivateIp,
    });
    this.elb = new ElbState(ctx, this.ec2, {
      healthDelayMs: options.health?.delayMs ?? 2_000,
      healthIntervalMs: options.health?.intervalMs ?? 5_000,
      healthyThreshold: options.health?.healthyThreshold ?? 5,
      unhealthyThreshold: options.health?.unhealthyThreshold ?? 2,
      check: options.health?.check ?? (() => true),
    });
    this.events.on('instance-shutting-down', (instance) => this.elb.deregisterInstance(instance.instanceId));
  }

  /** Stops every pending timer (boots, health checks, draining); the model stays readable. */
  dispose(): void {
    this.timers.cancelAll();
  }
}
