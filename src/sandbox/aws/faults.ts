import { AwsError } from './aws-error.js';
import type { HealthVerdict } from './model.js';
import type { Wire } from './wire.js';

export type FaultSpec = {
  action: string;
  /** How many matching requests fail (default 1; Infinity until cleared). */
  times?: number;
  /** Only requests whose parameters match fail. */
  when?: (params: Record<string, string>) => boolean;
} & (
  | { code: string; message?: string; status?: number }
  /** The service's own throttling error: EC2 RequestLimitExceeded (503), ELBv2 Throttling (400). */
  | { throttle: true }
);

/** The HTTP status AWS uses for these codes; other injected codes default to 400. */
const STATUS: Record<string, number> = {
  InsufficientInstanceCapacity: 500,
  InternalError: 500,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  Unavailable: 503,
};

const MESSAGES: Record<string, string> = {
  InsufficientInstanceCapacity:
    'We currently do not have sufficient capacity in the Availability Zone you requested. Our system will be working on provisioning additional capacity. You can currently get capacity by not specifying an Availability Zone in your request or choosing a different one.',
  InternalError: 'An internal error has occurred.',
};

const HEALTH_DESCRIPTIONS: Record<string, string> = {
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.ResponseCodeMismatch': 'Health checks failed with these codes: [500]',
  'Target.Timeout': 'Request timed out',
};

/** Failures tests switch on: errors for chosen actions and targets that never pass health checks. */
export class Faults {
  private active: { spec: FaultSpec; remaining: number }[] = [];
  private readonly unhealthy = new Map<string, { reason: string; description: string }>();

  add(spec: FaultSpec): void {
    this.active.push({ spec, remaining: spec.times ?? 1 });
  }

  throttle(action: string, times = 1): void {
    this.add({ action, throttle: true, times });
  }

  /** The instance fails every health check with this reason until healed. */
  neverHealthy(instanceId: string, reason = 'Target.FailedHealthChecks', description = HEALTH_DESCRIPTIONS[reason] ?? 'Health checks failed'): void {
    this.unhealthy.set(instanceId, { reason, description });
  }

  heal(instanceId: string): void {
    this.unhealthy.delete(instanceId);
  }

  clear(): void {
    this.active = [];
    this.unhealthy.clear();
  }

  /** The error this request gets, if a fault applies; each use counts down its `times`. */
  take(action: string, params: Record<string, string>, wire: Wire): AwsError | undefined {
    const fault = this.active.find(({ spec }) => spec.action === action && (!spec.when || spec.when(params)));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.active = this.active.filter((f) => f !== fault);
    const { spec } = fault;
    if ('throttle' in spec) return wire.throttled();
    return new AwsError(spec.code, spec.message ?? MESSAGES[spec.code] ?? `Injected fault: ${spec.code}`, spec.status ?? STATUS[spec.code] ?? 400);
  }

  healthOf(instanceId: string): HealthVerdict | undefined {
    const failure = this.unhealthy.get(instanceId);
    return failure && { healthy: false, ...failure };
  }
}
