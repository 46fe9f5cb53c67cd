import { randomUUID } from 'node:crypto';
import type { ActionHandler } from './action-handler.js';
import { AwsError } from './aws-error.js';
import type { CloudState } from './cloud-state.js';
import { ec2Actions } from './ec2-handlers.js';
import { elbActions } from './elb-handlers.js';
import type { Faults } from './faults.js';
import type { Authorizer } from './iam-authorizer.js';
import { QueryParams } from './query-params.js';
import { requestGate } from './request-gate.js';
import type { RequestLog } from './request-log.js';
import { ec2Wire, elbWire, type Wire } from './wire.js';

export interface QueryResponse {
  status: number;
  requestId: string;
  body: string;
}

const SERVICES: { wire: Wire; actions: Record<string, ActionHandler> }[] = [
  { wire: ec2Wire, actions: ec2Actions },
  { wire: elbWire, actions: elbActions },
];

/**
 * Answers one Query-protocol request body. `Version` picks the service (EC2 and ELBv2 share one
 * endpoint here), so errors come back in the format that service's SDK client parses. With an
 * authorizer, each handler's gate checks the caller's identity policy before anything changes.
 */
export function dispatchQuery(body: string, state: CloudState, faults: Faults, log: RequestLog, authorizer?: Authorizer): QueryResponse {
  const form = new URLSearchParams(body);
  const action = form.get('Action') ?? '';
  const version = form.get('Version');
  const service =
    SERVICES.find((s) => s.wire.version === version) ?? SERVICES.find((s) => Object.hasOwn(s.actions, action)) ?? SERVICES[0];
  const { wire } = service;
  const params = QueryParams.parse(body, wire.missingParameter);
  const { Action: _action, Version: _version, ...logged } = params.toRecord();
  const requestId = randomUUID();

  let status = 200;
  let errorCode: string | undefined;
  let text: string;
  try {
    if (!action) throw wire.missingParameter('Action');
    if (!version) throw wire.missingParameter('Version');
    if (version !== wire.version) throw new AwsError('NoSuchVersion', `The requested version (${version}) of service ${wire.service} does not exist`);
    const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!handler) throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
    const fault = faults.take(action, logged, wire);
    if (fault) throw fault;
    text = wire.result(action, handler(params, state, requestGate(wire, params, authorizer)), requestId);
  } catch (err) {
    const error = err instanceof AwsError ? err : new AwsError('InternalError', `An internal error has occurred: ${String(err)}`, 500);
    status = error.status;
    errorCode = error.code;
    text = wire.error(error, requestId);
  }
  log.record({ at: state.time.now(), service: wire.service, action, params: logged, status, errorCode });
  return { status, requestId, body: text };
}
