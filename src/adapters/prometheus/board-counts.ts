import type { ServiceConfig } from '../../config/catalog.js';
import type { BoardCount, BoardCounts, Instance } from '../../deploy/ports.js';
import { boardCountOf, indexByLabel, type Verdict } from './board-count-verdict.js';
import { instanceLabelOf } from './instance-label.js';
import { fillInstances, regexAlternation } from './instances-placeholder.js';
import { createInstantQuery, type InstantQueryOptions } from './instant-query.js';

export type PrometheusBoardCountsOptions = InstantQueryOptions;

/**
 * Open boards per instance from the catalog's `prometheus` queries. Both queries run at once;
 * anything short of a fresh `up == 1` series and a finite, non-negative count for an instance is
 * UNKNOWN with the reason, never zero: an empty answer read as "no boards left" would let a
 * release terminate a full server.
 */
export function createPrometheusBoardCounts(options: PrometheusBoardCountsOptions): BoardCounts {
  const query = createInstantQuery(options);

  const verdicts = async (service: ServiceConfig, values: string[]): Promise<Map<string, Verdict>> => {
    if (values.length === 0) return new Map();
    const settings = service.prometheus;
    try {
      const regex = regexAlternation(values);
      const [up, counts] = await Promise.all([
        query(fillInstances(settings.upQuery, regex, 'prometheus.upQuery'), 'up query'),
        query(fillInstances(settings.query, regex, 'prometheus.query'), 'board count query'),
      ]);
      const upIndex = indexByLabel(up, settings.instanceLabel);
      const countIndex = indexByLabel(counts, settings.instanceLabel);
      return new Map(values.map((value) => [value, boardCountOf(value, upIndex, countIndex)]));
    } catch (error) {
      const reason = `Prometheus query failed: ${error instanceof Error ? error.message : String(error)}`;
      return new Map(values.map((value) => [value, { boards: null, unknown: reason }]));
    }
  };

  return {
    async read(service: ServiceConfig, instances: Pick<Instance, 'instanceId' | 'privateIp'>[]): Promise<BoardCount[]> {
      const named = instances.map((instance) => ({ instanceId: instance.instanceId, label: instanceLabelOf(service.prometheus.instanceValue, instance) }));
      const holders = new Map<string, string[]>();
      for (const { instanceId, label } of named) if (label.ok) holders.set(label.value, [...(holders.get(label.value) ?? []), instanceId]);
      const distinct = [...holders].filter(([, ids]) => ids.length === 1).map(([value]) => value);
      const verdictByValue = await verdicts(service, distinct);

      return named.map(({ instanceId, label }): BoardCount => {
        if (!label.ok) return { instanceId, boards: null, unknown: label.problem };
        const verdict = verdictByValue.get(label.value);
        if (verdict) return { instanceId, ...verdict };
        // Two instances behind one label value would each be credited with both servers' boards.
        const sharing = holders.get(label.value) ?? [];
        return { instanceId, boards: null, unknown: `${label.value} names several instances (${sharing.join(', ')}); prometheus.instanceValue must tell them apart` };
      });
    },
  };
}
