import type { ActionHandler } from './action-handler.js';
import { AwsError } from './aws-error.js';
import type { CloudState } from './cloud-state.js';
import { anyResource, requestTags, tagKeys, targetGroupsAuthorization } from './iam-requests.js';
import type { Tags, TargetGroupRecord } from './model.js';
import type { QueryParams } from './query-params.js';
import type { Gate } from './request-gate.js';
import { elbWire } from './wire.js';
import { members, type XmlObject } from './xml.js';

/** ELBv2 tagging of target groups (the only ELBv2 resource the emulator has). */

/** DescribeTags takes at most this many ARNs. */
const MAX_DESCRIBED = 20;

function describeTags(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const arns = [...new Set(requiredList(params, 'ResourceArns'))];
  if (arns.length > MAX_DESCRIBED) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '[${arns.join(', ')}]' at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DESCRIBED}`,
    );
  }
  const groups = state.elb.requireTargetGroups(arns);
  gate.check(anyResource('elasticloadbalancing:DescribeTags'));
  const description = (group: TargetGroupRecord) => ({
    ResourceArn: group.targetGroupArn,
    Tags: members(Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value }))),
  });
  return { TagDescriptions: members(groups.map(description)) };
}

function addTags(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const arns = requiredList(params, 'ResourceArns');
  const tags = tagsOf(params);
  state.elb.addTags(arns, tags, (groups) => gate.check(targetGroupsAuthorization('elasticloadbalancing:AddTags', groups, requestTags(tags))));
  return {};
}

function removeTags(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const arns = requiredList(params, 'ResourceArns');
  const keys = requiredList(params, 'TagKeys');
  state.elb.removeTags(arns, keys, (groups) => gate.check(targetGroupsAuthorization('elasticloadbalancing:RemoveTags', groups, tagKeys(keys))));
  return {};
}

/** `Name.member.N`, at least one, as ELBv2's validation demands. */
function requiredList(params: QueryParams, name: string): string[] {
  const values = params.list(`${name}.member`);
  if (values.length === 0) throw elbWire.missingParameter(name);
  return values;
}

/** `Tags.member.N.Key` / `.Value`: keys 1-128 characters, not `aws:`, each at most once; values up to 256. */
function tagsOf(params: QueryParams): Tags {
  const entries = params.structs('Tags.member').map((tag) => [tag.required('Key'), tag.get('Value') ?? ''] as const);
  if (entries.length === 0) throw elbWire.missingParameter('Tags');
  const tags: Tags = {};
  for (const [key, value] of entries) {
    if (Object.hasOwn(tags, key)) throw new AwsError('DuplicateTagKeys', `A tag key was specified more than once: '${key}'`);
    if (key.toLowerCase().startsWith('aws:')) throw new AwsError('ValidationError', `Tag keys starting with 'aws:' are reserved for internal use (${key}).`);
    if (key.length > 128) throw new AwsError('ValidationError', `1 validation error detected: Value '${key}' at 'tags.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`);
    if (value.length > 256) throw new AwsError('ValidationError', `1 validation error detected: Value '${value}' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
    tags[key] = value;
  }
  return tags;
}

export const elbTagActions: Record<string, ActionHandler> = {
  DescribeTags: describeTags,
  AddTags: addTags,
  RemoveTags: removeTags,
};
