import type { CloudState } from './cloud-state.js';
import type { QueryParams } from './query-params.js';
import type { Gate } from './request-gate.js';
import type { XmlObject } from './xml.js';

/**
 * One Query-protocol action: reads its parameters, passes the gate (IAM, DryRun) once they are
 * valid, then changes or reads the model and returns the response body.
 */
export type ActionHandler = (params: QueryParams, state: CloudState, gate: Gate) => XmlObject;
