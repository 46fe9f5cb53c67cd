import { AwsError } from './aws-error.js';

/**
 * The parameters of a Query-protocol request: a flat form body whose keys spell out structure
 * (`Filter.2.Value.1`, `Targets.member.3.Id`). A view is scoped to a prefix so that handlers read
 * nested structures with the same calls as top-level ones.
 */
export class QueryParams {
  private constructor(
    private readonly values: ReadonlyMap<string, string>,
    private readonly missing: (name: string) => AwsError,
    private readonly prefix = '',
  ) {}

  static parse(body: string, missing: (name: string) => AwsError): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body)), missing);
  }

  get(name: string): string | undefined {
    return this.values.get(this.prefix + name);
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === '') throw this.missing(this.prefix + name);
    return value;
  }

  integer(name: string): number | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw)) {
      throw new AwsError('InvalidParameterValue', `Value (${raw}) for parameter ${this.prefix + name} is invalid. Expected an integer.`);
    }
    return Number(raw);
  }

  /** `Name.1`, `Name.2`, … in index order. */
  list(name: string): string[] {
    return this.indices(name).map((i) => this.get(`${name}.${i}`) ?? '');
  }

  /** `Name.1.*`, `Name.2.*`, … as views, in index order. */
  structs(name: string): QueryParams[] {
    return this.indices(name).map((i) => this.within(`${name}.${i}`));
  }

  within(name: string): QueryParams {
    return new QueryParams(this.values, this.missing, `${this.prefix}${name}.`);
  }

  /** Every parameter under this view, for the request log and idempotency checks. */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const [key, value] of this.values) if (key.startsWith(this.prefix)) record[key.slice(this.prefix.length)] = value;
    return record;
  }

  private indices(name: string): number[] {
    const start = `${this.prefix}${name}.`;
    const found = new Set<number>();
    for (const key of this.values.keys()) {
      if (!key.startsWith(start)) continue;
      const index = /^(\d+)(\.|$)/.exec(key.slice(start.length));
      if (index) found.add(Number(index[1]));
    }
    return [...found].sort((a, b) => a - b);
  }
}
