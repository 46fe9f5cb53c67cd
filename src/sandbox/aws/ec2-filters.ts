import { AwsError } from './aws-error.js';
import type { QueryParams } from './query-params.js';
import type { Tags } from './model.js';

/** EC2's `Filter.N.Name` / `Filter.N.Value.M`: names AND together, values OR within a name. */
export interface Filter {
  name: string;
  values: string[];
}

export function parseFilters(params: QueryParams): Filter[] {
  return params.structs('Filter').map((f) => ({ name: f.required('Name'), values: f.list('Value') }));
}

/** The filterable fields of one resource type, by filter name. */
export type FilterFields<T> = Record<string, (record: T) => string | undefined>;

/**
 * Keeps the records matching every filter. `tag:KEY`, `tag-key` and `tag-value` work on any
 * resource; values may use `*` and `?` wildcards. Unknown names fail as EC2 does, which catches
 * misspelt filters that would otherwise match everything.
 */
export function applyFilters<T extends { tags: Tags }>(records: readonly T[], filters: Filter[], fields: FilterFields<T>): T[] {
  const predicates = filters.map((filter) => predicateFor(filter, fields));
  return records.filter((record) => predicates.every((matches) => matches(record)));
}

function predicateFor<T extends { tags: Tags }>(filter: Filter, fields: FilterFields<T>): (record: T) => boolean {
  const patterns = filter.values.map(wildcard);
  const anyMatch = (candidates: (string | undefined)[]) => candidates.some((c) => c !== undefined && patterns.some((p) => p.test(c)));
  if (filter.name.startsWith('tag:')) {
    const key = filter.name.slice('tag:'.length);
    return (record) => anyMatch([record.tags[key]]);
  }
  if (filter.name === 'tag-key') return (record) => anyMatch(Object.keys(record.tags));
  if (filter.name === 'tag-value') return (record) => anyMatch(Object.values(record.tags));
  const field = Object.hasOwn(fields, filter.name) ? fields[filter.name] : undefined;
  if (!field) throw new AwsError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
  return (record) => anyMatch([field(record)]);
}

function wildcard(value: string): RegExp {
  const source = value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's');
}
