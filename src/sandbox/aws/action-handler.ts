import type { CloudState } from './cloud-state.js';
import type { QueryParams } from './query-params.js';
import type { XmlObject } from './xml.js';

/** One Query-protocol action: reads its parameters, changes or reads the model, returns the response body. */
export type ActionHandler = (params: QueryParams, state: CloudState) => XmlObject;
