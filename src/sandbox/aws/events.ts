import type { InstanceRecord, TargetRecord } from './model.js';

/** What the sandbox can react to, e.g. start a board server when its instance is running. */
export interface CloudEventMap {
  'instance-launched': [InstanceRecord];
  'instance-running': [InstanceRecord];
  'instance-shutting-down': [InstanceRecord];
  'instance-terminated': [InstanceRecord];
  /** Any change of a target's health state, including removal (state `unused`). */
  'target-changed': [TargetRecord];
}

/** Events carry copies, so listeners cannot change the model behind its back. */
export function snapshot<T>(record: T): T {
  return structuredClone(record);
}
