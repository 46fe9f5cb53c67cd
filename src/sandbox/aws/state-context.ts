import type { EventEmitter } from 'node:events';
import type { CloudEventMap } from './events.js';
import type { IdSource } from './ids.js';
import type { Scheduler, TimerSet } from './time.js';

/** What the EC2 and ELBv2 halves of the model share. */
export interface StateContext {
  readonly time: Scheduler;
  readonly timers: TimerSet;
  readonly events: EventEmitter<CloudEventMap>;
  readonly ids: IdSource;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string;
}
