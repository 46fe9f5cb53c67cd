import type { ActionHandler } from './action-handler.js';
import { AwsError } from './aws-error.js';
import type { CloudState } from './cloud-state.js';
import { applyFilters, parseFilters, type FilterFields } from './ec2-filters.js';
import type { LaunchSpec } from './ec2-state.js';
import { imageXml, reservationXml, stateXml } from './ec2-xml.js';
import { anyResource, instancesAuthorization, launchAuthorization } from './iam-requests.js';
import type { ImageRecord, InstanceRecord, Tags } from './model.js';
import { paginate } from './pagination.js';
import type { QueryParams } from './query-params.js';
import type { Gate } from './request-gate.js';
import { items, type XmlObject } from './xml.js';

const IMAGE_FIELDS: FilterFields<ImageRecord> = {
  'image-id': (i) => i.imageId,
  name: (i) => i.name,
  state: (i) => i.state,
  'owner-id': (i) => i.ownerId,
};

const INSTANCE_FIELDS: FilterFields<InstanceRecord> = {
  'instance-id': (i) => i.instanceId,
  'instance-state-name': (i) => i.state,
  'image-id': (i) => i.imageId,
  'instance-type': (i) => i.instanceType,
  'subnet-id': (i) => i.subnetId,
  'private-ip-address': (i) => i.privateIp,
  'reservation-id': (i) => i.reservationId,
  'client-token': (i) => i.clientToken,
};

const TAGGABLE_AT_LAUNCH = new Set(['instance', 'volume', 'network-interface']);

function describeImages(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const imageIds = params.list('ImageId');
  const owners = params.list('Owner');
  if (imageIds.length > 0 && params.get('MaxResults') !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'The parameter imageIdsSet cannot be used with the parameter maxResults');
  }
  const malformed = imageIds.find((id) => !/^ami-[0-9a-f]{8,17}$/.test(id));
  if (malformed !== undefined) throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${malformed}" (expecting "ami-...")`);
  const known = state.ec2.images().filter((i) => i.state !== 'deregistered');
  const missing = imageIds.filter((id) => !known.some((i) => i.imageId === id));
  if (missing.length > 0) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);

  const selected = known.filter(
    (image) =>
      (imageIds.length === 0 || imageIds.includes(image.imageId)) &&
      (owners.length === 0 || owners.some((o) => o === image.ownerId || (o === 'self' && image.ownerId === state.accountId))),
  );
  const { page, nextToken } = paginate(applyFilters(selected, parseFilters(params), IMAGE_FIELDS), params, { min: 6, max: 1000 });
  gate.check(anyResource('ec2:DescribeImages'));
  return { imagesSet: items(page.map(imageXml)), nextToken };
}

function runInstances(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const minCount = params.integer('MinCount');
  const maxCount = params.integer('MaxCount');
  if (minCount === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter MinCount');
  if (maxCount === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter MaxCount');
  if (minCount < 1 || maxCount < minCount) {
    throw new AwsError('InvalidParameterValue', `MinCount (${minCount}) must be at least 1 and no more than MaxCount (${maxCount})`);
  }
  const clientToken = params.get('ClientToken');
  if (clientToken !== undefined && (clientToken.length > 64 || !/^[\x20-\x7e]*$/.test(clientToken))) {
    throw new AwsError('InvalidParameterValue', `Value (${clientToken}) for parameter clientToken is invalid. It must be at most 64 ASCII characters.`);
  }
  const template = params.within('LaunchTemplate');
  const hasTemplate = template.get('LaunchTemplateName') !== undefined || template.get('LaunchTemplateId') !== undefined;
  const spec: LaunchSpec = {
    imageId: params.get('ImageId'),
    count: maxCount,
    instanceType: params.get('InstanceType'),
    subnetId: params.get('SubnetId'),
    launchTemplate: hasTemplate
      ? { name: template.get('LaunchTemplateName'), id: template.get('LaunchTemplateId'), version: template.get('Version') }
      : undefined,
    ...tagSpecifications(params),
    clientToken,
  };
  const reservation = state.ec2.runInstances(spec, (plan) => gate.check(launchAuthorization(plan, state)));
  return reservationXml(reservation.reservationId, reservation.ownerId, reservation.instances, state.region);
}

/** `Tag.N.Key` / `Tag.N.Value`; a missing value is the empty string, as EC2 stores it. */
function tagsOf(params: QueryParams): Tags {
  return Object.fromEntries(params.structs('Tag').map((tag) => [tag.required('Key'), tag.get('Value') ?? '']));
}

function tagSpecifications(params: QueryParams): { tags: Tags; volumeTags: Tags } {
  const byType = new Map<string, Tags>();
  for (const spec of params.structs('TagSpecification')) {
    const type = spec.required('ResourceType');
    if (!TAGGABLE_AT_LAUNCH.has(type)) throw new AwsError('InvalidParameterValue', `'${type}' is not a valid taggable resource type for this operation.`);
    if (byType.has(type)) throw new AwsError('InvalidParameterValue', `The same resource type (${type}) may not be specified more than once in tag specifications.`);
    byType.set(type, tagsOf(spec));
  }
  return { tags: byType.get('instance') ?? {}, volumeTags: byType.get('volume') ?? {} };
}

function describeInstances(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const instanceIds = params.list('InstanceId');
  if (instanceIds.length > 0 && params.get('MaxResults') !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const candidates = instanceIds.length > 0 ? state.ec2.requireInstances(instanceIds) : [...state.ec2.instances()];
  const { page, nextToken } = paginate(applyFilters(candidates, parseFilters(params), INSTANCE_FIELDS), params, { min: 5, max: 1000 });
  gate.check(anyResource('ec2:DescribeInstances'));
  const reservations = new Map<string, InstanceRecord[]>();
  for (const instance of page) reservations.set(instance.reservationId, [...(reservations.get(instance.reservationId) ?? []), instance]);
  return {
    reservationSet: items([...reservations].map(([id, instances]) => reservationXml(id, state.accountId, instances, state.region))),
    nextToken,
  };
}

function terminateInstances(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const instanceIds = params.list('InstanceId');
  if (instanceIds.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId');
  const results = state.ec2.terminate(instanceIds, (instances) => gate.check(instancesAuthorization('ec2:TerminateInstances', instances, state)));
  return {
    instancesSet: items(
      results.map(({ instance, previous }) => ({ instanceId: instance.instanceId, currentState: stateXml(instance.state), previousState: stateXml(previous) })),
    ),
  };
}

/** Instances only: the bot tags nothing else after launch. */
function createTags(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const resourceIds = params.list('ResourceId');
  if (resourceIds.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ResourceId');
  const tags = tagsOf(params);
  if (Object.keys(tags).length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter Tag');
  state.ec2.createTags(resourceIds, tags, (instances) => gate.check(instancesAuthorization('ec2:CreateTags', instances, state, tags)));
  return { return: true };
}

export const ec2Actions: Record<string, ActionHandler> = {
  DescribeImages: describeImages,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  CreateTags: createTags,
};
