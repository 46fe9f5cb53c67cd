import { AwsError } from './aws-error.js';
import type { ImageRecord, InstanceRecord, InstanceStateName, LaunchTemplateRecord, LaunchTemplateVersion, Tags } from './model.js';
import { snapshot } from './events.js';
import type { StateContext } from './state-context.js';

export interface Ec2Options {
  /** How long an instance stays `pending`. */
  bootDelayMs: number;
  /** How long an instance stays `shutting-down`. */
  shutdownDelayMs: number;
  defaultSubnetId: string;
  /** The private IP of the n-th instance (from 0). */
  privateIp: (n: number) => string;
}

export interface LaunchSpec {
  imageId?: string;
  count: number;
  instanceType?: string;
  subnetId?: string;
  launchTemplate?: { name?: string; id?: string; version?: string };
  tags?: Tags;
  volumeTags?: Tags;
  clientToken?: string;
}

/** A launch checked and resolved against its template, not yet started. */
export interface LaunchPlan {
  spec: LaunchSpec;
  imageId: string;
  instanceType: string;
  subnetId: string;
  template?: { template: LaunchTemplateRecord; version: LaunchTemplateVersion };
  /** What each instance will carry: the template's tags overlaid with the request's. */
  tags: Tags;
  volumeTags: Tags;
}

export interface Reservation {
  reservationId: string;
  ownerId: string;
  instances: InstanceRecord[];
}

export interface NewImage {
  name: string;
  imageId?: string;
  state?: ImageRecord['state'];
  creationDate?: string;
  ownerId?: string;
  tags?: Tags;
}

export interface NewLaunchTemplate {
  name: string;
  id?: string;
  imageId?: string;
  instanceType?: string;
  subnetId?: string;
  tags?: Tags;
}

const MAX_TAGS = 50;

export const defaultPrivateIp = (n: number): string => `10.0.${Math.floor(n / 250) % 256}.${4 + (n % 250)}`;

/** Images, launch templates and instances, with the pending → running → terminated lifecycle. */
export class Ec2State {
  private readonly imageList: ImageRecord[] = [];
  private readonly templates: LaunchTemplateRecord[] = [];
  private readonly instanceList: InstanceRecord[] = [];
  private readonly launchesByToken = new Map<string, { fingerprint: string; plan: LaunchPlan; reservation: Reservation }>();
  private launched = 0;

  constructor(
    private readonly ctx: StateContext,
    private readonly options: Ec2Options,
  ) {}

  addImage(image: NewImage): ImageRecord {
    const record: ImageRecord = {
      imageId: image.imageId ?? this.ctx.ids.next('ami'),
      name: image.name,
      state: image.state ?? 'available',
      creationDate: image.creationDate ?? new Date(this.ctx.time.now()).toISOString(),
      ownerId: image.ownerId ?? this.ctx.accountId,
      tags: { ...image.tags },
    };
    this.imageList.push(record);
    return record;
  }

  addLaunchTemplate(template: NewLaunchTemplate): LaunchTemplateRecord {
    const record: LaunchTemplateRecord = {
      launchTemplateId: template.id ?? this.ctx.ids.next('lt'),
      launchTemplateName: template.name,
      defaultVersion: 1,
      versions: [{ versionNumber: 1, imageId: template.imageId, instanceType: template.instanceType, subnetId: template.subnetId, tags: { ...template.tags } }],
    };
    this.templates.push(record);
    return record;
  }

  images(): readonly ImageRecord[] {
    return this.imageList;
  }

  instances(): readonly InstanceRecord[] {
    return this.instanceList;
  }

  instance(instanceId: string): InstanceRecord | undefined {
    return this.instanceList.find((i) => i.instanceId === instanceId);
  }

  /** The instances with these IDs, in the order asked; unknown IDs fail the whole request as EC2 does. */
  requireInstances(instanceIds: string[]): InstanceRecord[] {
    const malformed = instanceIds.find((id) => !/^i-[0-9a-f]{8,17}$/.test(id));
    if (malformed !== undefined) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
    const missing = instanceIds.filter((id) => !this.instance(id));
    if (missing.length === 1) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
    if (missing.length > 1) throw new AwsError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
    return instanceIds.map((id) => this.instance(id)!);
  }

  /**
   * RunInstances: a repeated ClientToken returns the first launch, or fails if the request changed.
   * `beforeLaunch` sees the validated plan (or the replayed one) before anything starts: IAM and
   * DryRun stop the request there.
   */
  runInstances(spec: LaunchSpec, beforeLaunch: (plan: LaunchPlan) => void = () => {}): Reservation {
    const fingerprint = canonicalJson({ ...spec, clientToken: undefined });
    const earlier = spec.clientToken === undefined ? undefined : this.launchesByToken.get(spec.clientToken);
    if (earlier && earlier.fingerprint !== fingerprint) {
      throw new AwsError('IdempotentParameterMismatch', 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).');
    }
    const plan = earlier?.plan ?? this.planLaunch(spec);
    beforeLaunch(plan);
    if (earlier) return earlier.reservation;
    const reservation = this.start(plan, false);
    if (spec.clientToken !== undefined) this.launchesByToken.set(spec.clientToken, { fingerprint, plan, reservation });
    return reservation;
  }

  /** Starts instances; `running` skips the boot delay (seeding an existing fleet). */
  launch(spec: LaunchSpec, { running = false } = {}): Reservation {
    return this.start(this.planLaunch(spec), running);
  }

  /** Everything a launch would do, checked: template, image, instance type, subnet and tags. */
  planLaunch(spec: LaunchSpec): LaunchPlan {
    const template = spec.launchTemplate ? this.resolveTemplate(spec.launchTemplate) : undefined;
    const imageId = spec.imageId ?? template?.version.imageId;
    if (!imageId) throw new AwsError('MissingParameter', 'The request must contain the parameter ImageId');
    this.requireLaunchableImage(imageId);
    const tags = { ...template?.version.tags, ...spec.tags };
    const volumeTags = { ...spec.volumeTags };
    checkTags(tags);
    checkTags(volumeTags);
    return {
      spec,
      imageId,
      instanceType: spec.instanceType ?? template?.version.instanceType ?? 'm1.small',
      subnetId: spec.subnetId ?? template?.version.subnetId ?? this.options.defaultSubnetId,
      template,
      tags,
      volumeTags,
    };
  }

  private start(plan: LaunchPlan, running: boolean): Reservation {
    const { spec, template } = plan;
    const reservation: Reservation = { reservationId: this.ctx.ids.next('r'), ownerId: this.ctx.accountId, instances: [] };
    for (let index = 0; index < spec.count; index++) {
      const instance: InstanceRecord = {
        instanceId: this.ctx.ids.next('i'),
        reservationId: reservation.reservationId,
        imageId: plan.imageId,
        instanceType: plan.instanceType,
        subnetId: plan.subnetId,
        vpcId: this.ctx.vpcId,
        privateIp: this.options.privateIp(this.launched++),
        state: running ? 'running' : 'pending',
        launchTime: this.ctx.time.now(),
        launchIndex: index,
        clientToken: spec.clientToken,
        launchTemplate: template && { launchTemplateId: template.template.launchTemplateId, version: template.version.versionNumber },
        tags: { ...plan.tags },
        volumeTags: { ...plan.volumeTags },
      };
      this.instanceList.push(instance);
      reservation.instances.push(instance);
      this.ctx.events.emit('instance-launched', snapshot(instance));
      if (running) this.ctx.events.emit('instance-running', snapshot(instance));
      else this.ctx.timers.after(this.options.bootDelayMs, () => this.moveTo(instance, 'pending', 'running'));
    }
    return reservation;
  }

  /** TerminateInstances: returns each instance's state before the call. */
  terminate(
    instanceIds: string[],
    beforeChange: (instances: InstanceRecord[]) => void = () => {},
  ): { instance: InstanceRecord; previous: InstanceStateName }[] {
    const instances = this.requireInstances(instanceIds);
    beforeChange(instances);
    return instances.map((instance) => {
      const previous = instance.state;
      if (previous !== 'shutting-down' && previous !== 'terminated') {
        instance.stateTransitionReason = `User initiated (${gmt(this.ctx.time.now())})`;
        this.moveTo(instance, previous, 'shutting-down');
        this.ctx.timers.after(this.options.shutdownDelayMs, () => this.moveTo(instance, 'shutting-down', 'terminated'));
      }
      return { instance, previous };
    });
  }

  /**
   * CreateTags on instances: each key replaces the same key. Every resulting tag set is checked
   * before any changes, so a refused request leaves all instances as they were.
   */
  createTags(instanceIds: string[], tags: Tags, beforeChange: (instances: InstanceRecord[]) => void = () => {}): void {
    const instances = this.requireInstances(instanceIds);
    for (const instance of instances) checkTags({ ...instance.tags, ...tags });
    beforeChange(instances);
    for (const instance of instances) Object.assign(instance.tags, tags);
  }

  private moveTo(instance: InstanceRecord, from: InstanceStateName, to: InstanceStateName): void {
    if (instance.state !== from) return;
    instance.state = to;
    const event = to === 'running' ? 'instance-running' : to === 'shutting-down' ? 'instance-shutting-down' : 'instance-terminated';
    this.ctx.events.emit(event, snapshot(instance));
  }

  private resolveTemplate(ref: NonNullable<LaunchSpec['launchTemplate']>): { template: LaunchTemplateRecord; version: LaunchTemplateVersion } {
    const template = ref.id
      ? this.templates.find((t) => t.launchTemplateId === ref.id)
      : this.templates.find((t) => t.launchTemplateName === ref.name);
    if (!template && ref.id) throw new AwsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${ref.id}, does not exist.`);
    if (!template) throw new AwsError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${ref.name ?? ''}, does not exist.`);
    const wanted = ref.version ?? '$Default';
    const number = wanted === '$Latest' ? Math.max(...template.versions.map((v) => v.versionNumber)) : wanted === '$Default' ? template.defaultVersion : Number(wanted);
    const version = template.versions.find((v) => v.versionNumber === number);
    if (!version) {
      throw new AwsError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${wanted} for template ${template.launchTemplateId}.`);
    }
    return { template, version };
  }

  private requireLaunchableImage(imageId: string): void {
    const image = this.imageList.find((i) => i.imageId === imageId);
    if (!image) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    if (image.state !== 'available') throw new AwsError('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is not available (state ${image.state})`);
  }
}

function checkTags(tags: Tags): void {
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) throw new AwsError('TagLimitExceeded', `The maximum number of tags for a resource is ${MAX_TAGS}; the request has ${keys.length}.`);
  const reserved = keys.find((k) => k.toLowerCase().startsWith('aws:'));
  if (reserved) throw new AwsError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use (${reserved}).`);
  const tooLong = keys.find((k) => k.length > 128) ?? Object.values(tags).find((v) => v.length > 256);
  if (tooLong !== undefined) throw new AwsError('InvalidParameterValue', `Tag keys are at most 128 characters and values at most 256: ${tooLong.slice(0, 40)}…`);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function gmt(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} GMT`;
}
