/**
 * IAM condition blocks: `{ "<operator>": { "<key>": value | [values] } }`. Every operator and
 * every key in a block must hold; a key holds when any of the policy's values matches.
 */

/** What a request knows: tag keys and values, the creating action, … (names as AWS spells them). */
export type ContextValue = string | readonly string[];
export type RequestContext = Readonly<Record<string, ContextValue>>;

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/**
 * `actual` is undefined when the request context lacks the key. AWS: a missing key fails every
 * positive operator, satisfies a negated one, and ForAllValues over nothing is vacuously true.
 */
type Operator = (actual: readonly string[] | undefined, wanted: readonly string[]) => boolean;

const equalsAny = (actual: readonly string[], wanted: readonly string[]) => actual.some((value) => wanted.includes(value));

const OPERATORS: Record<string, Operator> = {
  StringEquals: (actual, wanted) => actual !== undefined && equalsAny(actual, wanted),
  StringNotEquals: (actual, wanted) => actual === undefined || !equalsAny(actual, wanted),
  StringLike: (actual, wanted) => actual !== undefined && actual.some((value) => wanted.some((pattern) => globMatch(pattern, value, false))),
  'ForAllValues:StringEquals': (actual, wanted) => (actual ?? []).every((value) => wanted.includes(value)),
  'ForAnyValue:StringEquals': (actual, wanted) => actual !== undefined && equalsAny(actual, wanted),
};

/**
 * The keys this emulator can fill in. A statement conditioned on any other key (iam:PassedToService,
 * aws:SourceIp, …) cannot be judged here, so it is treated as not matching rather than guessed at.
 */
const KNOWN_KEYS = [
  /^aws:RequestTag\/.+$/i,
  /^aws:ResourceTag\/.+$/i,
  /^ec2:ResourceTag\/.+$/i,
  /^elasticloadbalancing:ResourceTag\/.+$/i,
  /^aws:TagKeys$/i,
  /^ec2:CreateAction$/i,
];

export const isKnownOperator = (operator: string): boolean => Object.hasOwn(OPERATORS, operator);

/** True when every condition holds; false also when the block uses a key the emulator does not know. */
export function conditionsHold(block: ConditionBlock | undefined, context: RequestContext): boolean {
  if (!block) return true;
  // Condition key names are case-insensitive in IAM (values are not).
  const lookup = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), typeof value === 'string' ? [value] : value]));
  return Object.entries(block).every(([operator, keys]) =>
    Object.entries(keys).every(([key, wanted]) => KNOWN_KEYS.some((known) => known.test(key)) && OPERATORS[operator](lookup.get(key.toLowerCase()), wanted)),
  );
}

/** IAM's `*` (any run of characters) and `?` (one character); everything else is literal. */
export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}
