import type { CloudState } from './cloud-state.js';
import type { LaunchPlan } from './ec2-state.js';
import type { RequestContext } from './iam-conditions.js';
import type { AuthorizationRequest } from './iam-policy.js';
import type { InstanceRecord, Tags, TargetGroupRecord } from './model.js';

/**
 * What each action needs IAM's permission for: which resource ARNs, and what the request tells
 * the policy's conditions about them. Region and account come from the emulated account.
 */

type Account = Pick<CloudState, 'region' | 'accountId'>;

const ec2Arn = (account: Account, type: string, id: string) => `arn:aws:ec2:${account.region}:${account.accountId}:${type}/${id}`;
/** Image ARNs have no account: an AMI may belong to anyone. */
const imageArn = (account: Account, imageId: string) => `arn:aws:ec2:${account.region}::image/${imageId}`;

/** Describe calls cannot be limited by resource in IAM. */
export const anyResource = (action: string): AuthorizationRequest[] => [{ action, resource: '*' }];

/** `aws:RequestTag/<key>` per tag and `aws:TagKeys`; a request without tags has neither key. */
export function requestTags(tags: Tags): RequestContext {
  const keys = Object.keys(tags);
  if (keys.length === 0) return {};
  return { ...Object.fromEntries(keys.map((key) => [`aws:RequestTag/${key}`, tags[key]])), 'aws:TagKeys': keys };
}

/** `aws:TagKeys` alone: what a call that removes tags tells the policy. */
export function tagKeys(keys: readonly string[]): RequestContext {
  return keys.length === 0 ? {} : { 'aws:TagKeys': keys };
}

/** An existing resource's tags, under `aws:ResourceTag/` and the service's own prefix. */
export function resourceTags(tags: Tags, service: 'ec2' | 'elasticloadbalancing'): RequestContext {
  return Object.fromEntries(Object.entries(tags).flatMap(([key, value]) => [[`aws:ResourceTag/${key}`, value], [`${service}:ResourceTag/${key}`, value]]));
}

/**
 * RunInstances is authorized once per resource it creates or uses; the tags it applies count as
 * request tags of the instance and of its volumes, and applying them needs ec2:CreateTags with
 * `ec2:CreateAction=RunInstances` as well, as AWS requires of TagSpecifications.
 */
export function launchAuthorization(plan: LaunchPlan, state: CloudState): AuthorizationRequest[] {
  const account: Account = state;
  const launch = (resource: string, context: RequestContext = {}): AuthorizationRequest => ({ action: 'ec2:RunInstances', resource, context });
  const image = state.ec2.images().find((i) => i.imageId === plan.imageId);
  const created = [
    { resource: ec2Arn(account, 'instance', '*'), tags: plan.tags },
    { resource: ec2Arn(account, 'volume', '*'), tags: plan.volumeTags },
  ];
  return [
    ...created.map(({ resource, tags }) => launch(resource, requestTags(tags))),
    launch(imageArn(account, plan.imageId), resourceTags(image?.tags ?? {}, 'ec2')),
    ...(plan.template ? [launch(ec2Arn(account, 'launch-template', plan.template.template.launchTemplateId))] : []),
    launch(ec2Arn(account, 'subnet', plan.subnetId)),
    launch(ec2Arn(account, 'network-interface', '*')),
    launch(ec2Arn(account, 'security-group', '*')),
    ...created
      .filter(({ tags }) => Object.keys(tags).length > 0)
      .map(({ resource, tags }) => ({ action: 'ec2:CreateTags', resource, context: { ...requestTags(tags), 'ec2:CreateAction': 'RunInstances' } })),
  ];
}

/** An action on existing instances, each judged by its own tags (and the request's, if it writes any). */
export function instancesAuthorization(action: string, instances: readonly InstanceRecord[], account: Account, tags: Tags = {}): AuthorizationRequest[] {
  return instances.map((instance) => ({
    action,
    resource: ec2Arn(account, 'instance', instance.instanceId),
    context: { ...resourceTags(instance.tags, 'ec2'), ...requestTags(tags) },
  }));
}

/** An action on existing target groups, each judged by its own tags plus what the request adds. */
export function targetGroupsAuthorization(action: string, groups: readonly TargetGroupRecord[], request: RequestContext = {}): AuthorizationRequest[] {
  return groups.map((group) => ({ action, resource: group.targetGroupArn, context: { ...resourceTags(group.tags, 'elasticloadbalancing'), ...request } }));
}
