import type { ActionHandler } from './action-handler.js';
import { AwsError } from './aws-error.js';
import type { CloudState } from './cloud-state.js';
import type { TargetRef } from './elb-state.js';
import { elbTagActions } from './elb-tag-handlers.js';
import { anyResource, targetGroupsAuthorization } from './iam-requests.js';
import type { TargetGroupRecord, TargetRecord } from './model.js';
import type { QueryParams } from './query-params.js';
import type { Gate } from './request-gate.js';
import { elbWire } from './wire.js';
import { members, type XmlObject } from './xml.js';

function targetGroupXml(group: TargetGroupRecord): XmlObject {
  return {
    TargetGroupArn: group.targetGroupArn,
    TargetGroupName: group.targetGroupName,
    Protocol: group.protocol,
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: group.protocol,
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckPath: group.healthCheckPath,
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: members([]),
    TargetType: 'instance',
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
  };
}

function targetHealthXml(target: TargetRecord): XmlObject {
  return {
    Target: { Id: target.instanceId, Port: target.port },
    HealthCheckPort: String(target.port),
    TargetHealth: { State: target.state, Reason: target.reason, Description: target.description },
  };
}

function targets(params: QueryParams): TargetRef[] {
  return params.structs('Targets.member').map((t) => ({ id: t.required('Id'), port: t.integer('Port') }));
}

function requiredTargets(params: QueryParams): TargetRef[] {
  const refs = targets(params);
  if (refs.length === 0) throw elbWire.missingParameter('Targets');
  return refs;
}

function describeTargetGroups(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const arns = params.list('TargetGroupArns.member');
  const names = params.list('Names.member');
  if (arns.length > 0 && names.length > 0) throw new AwsError('ValidationError', 'Target group names and target group ARNs cannot be specified at the same time');
  const all = state.elb.targetGroups();
  const wanted = arns.length > 0 ? arns : names;
  const found = arns.length > 0 ? all.filter((g) => arns.includes(g.targetGroupArn)) : names.length > 0 ? all.filter((g) => names.includes(g.targetGroupName)) : all;
  if (found.length < new Set(wanted).size) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
  gate.check(anyResource('elasticloadbalancing:DescribeTargetGroups'));
  return { TargetGroups: members(found.map(targetGroupXml)) };
}

function describeTargetGroupAttributes(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const group = state.elb.requireTargetGroup(params.required('TargetGroupArn'));
  gate.check(anyResource('elasticloadbalancing:DescribeTargetGroupAttributes'));
  return { Attributes: members(Object.entries(group.attributes).map(([Key, Value]) => ({ Key, Value }))) };
}

function registerTargets(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const arn = params.required('TargetGroupArn');
  const refs = requiredTargets(params);
  gate.check(targetGroupsAuthorization('elasticloadbalancing:RegisterTargets', [state.elb.requireTargetGroup(arn)]));
  state.elb.register(arn, refs);
  return {};
}

function deregisterTargets(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const arn = params.required('TargetGroupArn');
  const refs = requiredTargets(params);
  gate.check(targetGroupsAuthorization('elasticloadbalancing:DeregisterTargets', [state.elb.requireTargetGroup(arn)]));
  state.elb.deregister(arn, refs);
  return {};
}

function describeTargetHealth(params: QueryParams, state: CloudState, gate: Gate): XmlObject {
  const health = state.elb.describeHealth(params.required('TargetGroupArn'), targets(params));
  gate.check(anyResource('elasticloadbalancing:DescribeTargetHealth'));
  return { TargetHealthDescriptions: members(health.map(targetHealthXml)) };
}

export const elbActions: Record<string, ActionHandler> = {
  DescribeTargetGroups: describeTargetGroups,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
  ...elbTagActions,
};
