/** The emulated account's records, shaped after the AWS resources they stand for. */

export type Tags = Record<string, string>;

export type ImageState = 'pending' | 'available' | 'failed' | 'deregistered';

export interface ImageRecord {
  imageId: string;
  name: string;
  state: ImageState;
  /** ISO 8601, as EC2 reports it. */
  creationDate: string;
  ownerId: string;
  tags: Tags;
}

export interface LaunchTemplateVersion {
  versionNumber: number;
  imageId?: string;
  instanceType?: string;
  subnetId?: string;
  /** Tags the template puts on instances. */
  tags: Tags;
}

export interface LaunchTemplateRecord {
  launchTemplateId: string;
  launchTemplateName: string;
  defaultVersion: number;
  versions: LaunchTemplateVersion[];
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface InstanceRecord {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  vpcId: string;
  privateIp: string;
  state: InstanceStateName;
  stateTransitionReason?: string;
  /** Epoch ms. */
  launchTime: number;
  launchIndex: number;
  clientToken?: string;
  launchTemplate?: { launchTemplateId: string; version: number };
  tags: Tags;
  volumeTags: Tags;
}

export type TargetStateName = 'initial' | 'healthy' | 'unhealthy' | 'unhealthy.draining' | 'unused' | 'draining' | 'unavailable';

export interface TargetGroupRecord {
  targetGroupArn: string;
  targetGroupName: string;
  protocol: string;
  port: number;
  vpcId: string;
  healthCheckPath: string;
  /** Includes `deregistration_delay.timeout_seconds`. */
  attributes: Record<string, string>;
  tags: Tags;
}

export interface TargetRecord {
  targetGroupArn: string;
  instanceId: string;
  port: number;
  state: TargetStateName;
  reason?: string;
  description?: string;
  /** Epoch ms of the last state change. */
  since: number;
}

/** What a health check found; `true` is healthy, `false` fails with the generic reason. */
export type HealthVerdict = boolean | { healthy: false; reason: string; description?: string };

export type HealthChecker = (instance: InstanceRecord, group: TargetGroupRecord, port: number) => HealthVerdict | Promise<HealthVerdict>;

export const DEREGISTRATION_DELAY = 'deregistration_delay.timeout_seconds';
