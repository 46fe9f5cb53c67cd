import type { Instance } from '../../deploy/ports.js';

export type InstanceLabel = { ok: true; value: string } | { ok: false; problem: string };

/**
 * The value an EC2 instance carries in the catalog's `prometheus.instanceLabel`, from the
 * `prometheus.instanceValue` template, e.g. "{privateIp}:9100" -> "10.0.0.5:9100".
 */
export function instanceLabelOf(template: string, instance: Pick<Instance, 'instanceId' | 'privateIp'>): InstanceLabel {
  const problems: string[] = [];
  const value = template.replace(/\{([^{}]*)\}/g, (placeholder, name: string) => {
    if (name === 'instanceId') return instance.instanceId;
    if (name === 'privateIp') {
      if (instance.privateIp) return instance.privateIp;
      problems.push(`${instance.instanceId} has no private IP, which prometheus.instanceValue "${template}" needs`);
      return placeholder;
    }
    problems.push(`prometheus.instanceValue "${template}" names ${placeholder}; only {privateIp} and {instanceId} are known`);
    return placeholder;
  });
  return problems.length > 0 ? { ok: false, problem: problems[0] } : { ok: true, value };
}
