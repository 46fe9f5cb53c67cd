import { AwsError } from './aws-error.js';
import type { Ec2State } from './ec2-state.js';
import { snapshot } from './events.js';
import {
  DEREGISTRATION_DELAY,
  type HealthChecker,
  type HealthVerdict,
  type InstanceRecord,
  type Tags,
  type TargetGroupRecord,
  type TargetRecord,
  type TargetStateName,
} from './model.js';
import type { StateContext } from './state-context.js';

export interface ElbOptions {
  /** From registration to the first health check. */
  healthDelayMs: number;
  /** Between health checks of a registered target. */
  healthIntervalMs: number;
  /** Consecutive passes that bring an unhealthy target back (ALB's HealthyThresholdCount). */
  healthyThreshold: number;
  /** Consecutive failures that make a target unhealthy (ALB's UnhealthyThresholdCount). */
  unhealthyThreshold: number;
  check: HealthChecker;
}

export interface NewTargetGroup {
  name: string;
  arn?: string;
  port: number;
  protocol?: string;
  healthCheckPath?: string;
  deregistrationDelaySeconds?: number;
  tags?: Tags;
}

export interface TargetRef {
  id: string;
  port?: number;
}

interface Registration {
  target: TargetRecord;
  /** Cancels the next health check or the end of draining. */
  cancel?: () => void;
  /** Consecutive checks that disagreed with the current state. */
  streak: number;
}

/** Tags per Elastic Load Balancing resource. */
const MAX_TAGS = 50;

const REASONS = {
  registering: ['Elb.RegistrationInProgress', 'Target registration is in progress'],
  draining: ['Target.DeregistrationInProgress', 'Target deregistration is in progress'],
  notRegistered: ['Target.NotRegistered', 'Target is not registered to the target group'],
  failed: ['Target.FailedHealthChecks', 'Health checks failed'],
} as const;

/**
 * Target groups and their registrations. A registered target is `initial` until its first health
 * check passes on a running instance; after that, as on ALB, a healthy target turns unhealthy only
 * after `unhealthyThreshold` failures in a row and back after `healthyThreshold` passes in a row, so
 * one slow answer does not take a busy server out of service. A deregistered target is `draining`
 * for the group's deregistration delay and then gone (`unused`).
 */
export class ElbState {
  private readonly groups: TargetGroupRecord[] = [];
  private readonly registrations = new Map<string, Map<string, Registration>>();

  constructor(
    private readonly ctx: StateContext,
    private readonly ec2: Ec2State,
    private readonly options: ElbOptions,
  ) {}

  addTargetGroup(spec: NewTargetGroup): TargetGroupRecord {
    const record: TargetGroupRecord = {
      targetGroupArn: spec.arn ?? `arn:aws:elasticloadbalancing:${this.ctx.region}:${this.ctx.accountId}:targetgroup/${spec.name}/${this.ctx.ids.hex(16)}`,
      targetGroupName: spec.name,
      protocol: spec.protocol ?? 'HTTP',
      port: spec.port,
      vpcId: this.ctx.vpcId,
      healthCheckPath: spec.healthCheckPath ?? '/',
      attributes: {
        [DEREGISTRATION_DELAY]: String(spec.deregistrationDelaySeconds ?? 300),
        'stickiness.enabled': 'false',
        'stickiness.type': 'lb_cookie',
        'load_balancing.algorithm.type': 'round_robin',
        'slow_start.duration_seconds': '0',
      },
      tags: { ...spec.tags },
    };
    this.groups.push(record);
    this.registrations.set(record.targetGroupArn, new Map());
    return record;
  }

  targetGroups(): readonly TargetGroupRecord[] {
    return this.groups;
  }

  requireTargetGroup(arn: string): TargetGroupRecord {
    const group = this.groups.find((g) => g.targetGroupArn === arn);
    if (!group) throw new AwsError('TargetGroupNotFound', `One or more target groups not found: '${arn}'`);
    return group;
  }

  /** The groups with these ARNs, in the order asked; one unknown ARN fails the whole request. */
  requireTargetGroups(arns: readonly string[]): TargetGroupRecord[] {
    return arns.map((arn) => this.requireTargetGroup(arn));
  }

  /**
   * AddTags: each key replaces the same key. Every group's resulting tag set is checked before any
   * changes, so a refused request leaves all groups as they were.
   */
  addTags(arns: readonly string[], tags: Tags, beforeChange: (groups: TargetGroupRecord[]) => void = () => {}): void {
    const groups = this.requireTargetGroups(arns);
    for (const group of groups) {
      if (Object.keys({ ...group.tags, ...tags }).length > MAX_TAGS) throw new AwsError('TooManyTags', `You've reached the limit on the number of tags for this resource (${MAX_TAGS}).`);
    }
    beforeChange(groups);
    for (const group of groups) Object.assign(group.tags, tags);
  }

  /** RemoveTags: keys a group does not have are ignored. */
  removeTags(arns: readonly string[], keys: readonly string[], beforeChange: (groups: TargetGroupRecord[]) => void = () => {}): void {
    const groups = this.requireTargetGroups(arns);
    beforeChange(groups);
    for (const group of groups) for (const key of keys) delete group.tags[key];
  }

  /** `healthy` starts targets healthy, for seeding a fleet that was already serving. */
  register(arn: string, refs: TargetRef[], { healthy = false } = {}): void {
    const group = this.requireTargetGroup(arn);
    const targets = refs.map((ref) => ({ id: ref.id, port: this.portOf(group, ref) }));
    const unknown = targets.filter((t) => !this.ec2.instance(t.id));
    if (unknown.length > 0) throw invalidTargets('The following targets are not valid instances', unknown.map((t) => t.id));
    const stopped = targets.filter((t) => !['pending', 'running'].includes(this.ec2.instance(t.id)!.state));
    if (stopped.length > 0) throw invalidTargets("The following targets are not in a running state and can't be registered", stopped.map((t) => t.id));

    const registered = this.registrations.get(arn)!;
    for (const { id, port } of targets) {
      const key = `${id}:${port}`;
      const existing = registered.get(key);
      if (existing && existing.target.state !== 'draining') continue;
      existing?.cancel?.();
      const [reason, description] = REASONS.registering;
      const target: TargetRecord = healthy
        ? { targetGroupArn: arn, instanceId: id, port, state: 'healthy', since: this.ctx.time.now() }
        : { targetGroupArn: arn, instanceId: id, port, state: 'initial', reason, description, since: this.ctx.time.now() };
      const registration: Registration = { target, streak: 0 };
      registered.set(key, registration);
      this.ctx.events.emit('target-changed', snapshot(target));
      this.scheduleCheck(registration, healthy ? this.options.healthIntervalMs : this.options.healthDelayMs);
    }
  }

  deregister(arn: string, refs: TargetRef[]): void {
    const group = this.requireTargetGroup(arn);
    const unknown = refs.filter((ref) => !this.ec2.instance(ref.id));
    if (unknown.length > 0) throw invalidTargets('The following targets are not valid instances', unknown.map((t) => t.id));
    const registered = this.registrations.get(arn)!;
    for (const ref of refs) {
      const registration = registered.get(`${ref.id}:${this.portOf(group, ref)}`);
      if (registration && registration.target.state !== 'draining') this.drain(group, registration);
    }
  }

  /** What ELB does when an instance shuts down: it is deregistered from every group. */
  deregisterInstance(instanceId: string): void {
    for (const group of this.groups) {
      for (const registration of this.registrations.get(group.targetGroupArn)!.values()) {
        if (registration.target.instanceId === instanceId && registration.target.state !== 'draining') this.drain(group, registration);
      }
    }
  }

  /** DescribeTargetHealth: every registered target, or exactly the ones asked about. */
  describeHealth(arn: string, refs: TargetRef[] = []): TargetRecord[] {
    const group = this.requireTargetGroup(arn);
    const registered = [...this.registrations.get(arn)!.values()].map((r) => snapshot(r.target));
    if (refs.length === 0) return registered;
    return refs.flatMap((ref) => {
      const matches = registered.filter((t) => t.instanceId === ref.id && (ref.port === undefined || t.port === ref.port));
      return matches.length > 0 ? matches : [this.unregistered(arn, ref.id, this.portOf(group, ref))];
    });
  }

  private portOf(group: TargetGroupRecord, ref: TargetRef): number {
    const port = ref.port ?? group.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new AwsError('ValidationError', `1 validation error detected: Value '${port}' at 'targets.member.port' failed to satisfy constraint: Member must have value between 1 and 65535`);
    }
    return port;
  }

  private unregistered(arn: string, instanceId: string, port: number): TargetRecord {
    const [reason, description] = REASONS.notRegistered;
    return { targetGroupArn: arn, instanceId, port, state: 'unused', reason, description, since: this.ctx.time.now() };
  }

  private isCurrent(registration: Registration): boolean {
    const { targetGroupArn, instanceId, port } = registration.target;
    return this.registrations.get(targetGroupArn)?.get(`${instanceId}:${port}`) === registration;
  }

  private scheduleCheck(registration: Registration, delayMs: number): void {
    registration.cancel = this.ctx.timers.after(delayMs, () => this.check(registration));
  }

  private async check(registration: Registration): Promise<void> {
    const { target } = registration;
    const instance = this.ec2.instance(target.instanceId);
    const group = this.requireTargetGroup(target.targetGroupArn);
    const verdict = instance?.state === 'running' ? await this.probe(instance, group, target.port) : undefined;
    // The target may have been deregistered while the probe was in flight.
    if (!this.isCurrent(registration) || target.state === 'draining') return;
    if (verdict === undefined && target.state === 'initial') {
      // Still booting: ELB keeps a pending instance in `initial`.
    } else if (verdict === true) this.passed(registration);
    else this.failed(registration, typeof verdict === 'object' ? verdict : { reason: REASONS.failed[0], description: REASONS.failed[1] });
    this.scheduleCheck(registration, this.options.healthIntervalMs);
  }

  private passed(registration: Registration): void {
    const { state } = registration.target;
    registration.streak = state === 'unhealthy' ? registration.streak + 1 : 0;
    if (state === 'initial' || registration.streak >= this.options.healthyThreshold) this.setState(registration, 'healthy');
  }

  private failed(registration: Registration, failure: { reason: string; description?: string }): void {
    const { state } = registration.target;
    registration.streak = state === 'unhealthy' ? 0 : registration.streak + 1;
    if (state === 'unhealthy' || registration.streak >= this.options.unhealthyThreshold) this.setState(registration, 'unhealthy', failure.reason, failure.description);
  }

  private async probe(instance: InstanceRecord, group: TargetGroupRecord, port: number): Promise<HealthVerdict> {
    try {
      return await this.options.check(snapshot(instance), snapshot(group), port);
    } catch (err) {
      return { healthy: false, reason: REASONS.failed[0], description: `Health checks failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private drain(group: TargetGroupRecord, registration: Registration): void {
    registration.cancel?.();
    const [reason, description] = REASONS.draining;
    this.setState(registration, 'draining', reason, description);
    const { instanceId, port } = registration.target;
    const remove = () => {
      if (!this.isCurrent(registration)) return;
      this.registrations.get(group.targetGroupArn)!.delete(`${instanceId}:${port}`);
      this.ctx.events.emit('target-changed', this.unregistered(group.targetGroupArn, instanceId, port));
    };
    const delayMs = Number(group.attributes[DEREGISTRATION_DELAY]) * 1000;
    if (delayMs > 0) registration.cancel = this.ctx.timers.after(delayMs, remove);
    else remove();
  }

  private setState(registration: Registration, state: TargetStateName, reason?: string, description?: string): void {
    const { target } = registration;
    if (target.state === state && target.reason === reason && target.description === description) return;
    Object.assign(target, { state, reason, description, since: this.ctx.time.now() });
    this.ctx.events.emit('target-changed', snapshot(target));
  }
}

function invalidTargets(problem: string, instanceIds: string[]): AwsError {
  return new AwsError('InvalidTarget', `${problem}: ${instanceIds.map((id) => `'${id}'`).join(', ')}`);
}
