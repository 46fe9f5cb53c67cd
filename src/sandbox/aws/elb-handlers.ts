import type { ActionHandler } from './action-handler.js';
import { AwsError } from './aws-error.js';
import type { CloudState } from './cloud-state.js';
import type { TargetRef } from './elb-state.js';
import type { TargetGroupRecord, TargetRecord } from './model.js';
import type { QueryParams } from './query-params.js';
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
  if (refs.length === 0) throw new AwsError('ValidationError', "1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
  return refs;
}

function describeTargetGroups(params: QueryParams, state: CloudState): XmlObject {
  const arns = params.list('TargetGroupArns.member');
  const names = params.list('Names.member');
  if (arns.length > 0 && names.length > 0) throw new AwsError('ValidationError', 'Target group names and target group ARNs cannot be specified at the same time');
  const all = state.elb.targetGroups();
  const wanted = arns.length > 0 ? arns : names;
  const found = arns.length > 0 ? all.filter((g) => arns.includes(g.targetGroupArn)) : names.length > 0 ? all.filter((g) => names.includes(g.targetGroupName)) : all;
  if (found.length < new Set(wanted).size) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
  return { TargetGroups: members(found.map(targetGroupXml)) };
}

function describeTargetGroupAttributes(params: QueryParams, state: CloudState): XmlObject {
  const group = state.elb.requireTargetGroup(params.required('TargetGroupArn'));
  return { Attributes: members(Object.entries(group.attributes).map(([Key, Value]) => ({ Key, Value }))) };
}

function registerTargets(params: QueryParams, state: CloudState): XmlObject {
  state.elb.register(params.required('TargetGroupArn'), requiredTargets(params));
  return {};
}

function deregisterTargets(params: QueryParams, state: CloudState): XmlObject {
  state.elb.deregister(params.required('TargetGroupArn'), requiredTargets(params));
  return {};
}

function describeTargetHealth(params: QueryParams, state: CloudState): XmlObject {
  const health = state.elb.describeHealth(params.required('TargetGroupArn'), targets(params));
  return { TargetHealthDescriptions: members(health.map(targetHealthXml)) };
}

export const elbActions: Record<string, ActionHandler> = {
  DescribeTargetGroups: describeTargetGroups,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
};
