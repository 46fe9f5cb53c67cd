import { conditionsHold, globMatch, isKnownOperator, type ConditionBlock, type RequestContext } from './iam-conditions.js';

/** An identity policy as written in JSON (README's "AWS permissions" block has this shape). */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | readonly PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | readonly string[];
  Resource: string | readonly string[];
  Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** One thing a request needs permission for: `ec2:TerminateInstances` on one instance's ARN, say. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context?: RequestContext;
}

export type Decision = 'allow' | 'implicit-deny' | 'explicit-deny';

export interface Evaluation {
  decision: Decision;
  /** Sids (or positions) of the statements that decided: the denying ones, else the allowing ones. */
  statements: string[];
}

interface Statement {
  name: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  condition?: ConditionBlock;
}

const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Action', 'Resource', 'Condition']);
const UNSUPPORTED_FIELDS = ['NotAction', 'NotResource', 'Principal', 'NotPrincipal'];

/**
 * An identity-based policy the emulator enforces: explicit Deny wins, then any Allow, else the
 * request is implicitly denied. Anything the evaluator cannot honour exactly (NotAction, unknown
 * condition operators, …) is refused when the policy is loaded, so that a test never passes
 * because a clause was silently skipped.
 */
export class IdentityPolicy {
  private constructor(private readonly statements: readonly Statement[]) {}

  static parse(document: PolicyDocument): IdentityPolicy {
    const doc = document as unknown;
    if (!isObject(doc)) throw policyError('the policy must be a JSON object');
    if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
      throw policyError(`unknown Version ${JSON.stringify(doc.Version)}`);
    }
    const raw = Array.isArray(doc.Statement) ? (doc.Statement as unknown[]) : [doc.Statement];
    if (doc.Statement === undefined || raw.length === 0) throw policyError('the policy has no Statement');
    return new IdentityPolicy(raw.map((statement, index) => parseStatement(statement, index)));
  }

  evaluate(request: AuthorizationRequest): Evaluation {
    const context = request.context ?? {};
    const matching = this.statements.filter(
      (s) =>
        s.actions.some((pattern) => globMatch(pattern, request.action, true)) &&
        s.resources.some((pattern) => globMatch(pattern, request.resource, false)) &&
        conditionsHold(s.condition, context),
    );
    const denying = matching.filter((s) => s.effect === 'Deny');
    if (denying.length > 0) return { decision: 'explicit-deny', statements: denying.map((s) => s.name) };
    const allowing = matching.filter((s) => s.effect === 'Allow');
    return allowing.length > 0 ? { decision: 'allow', statements: allowing.map((s) => s.name) } : { decision: 'implicit-deny', statements: [] };
  }
}

function parseStatement(raw: unknown, index: number): Statement {
  const name = isObject(raw) && typeof raw.Sid === 'string' ? raw.Sid : `Statement[${index}]`;
  if (!isObject(raw)) throw policyError(`${name} is not an object`);
  const unsupported = UNSUPPORTED_FIELDS.find((field) => field in raw);
  if (unsupported) throw policyError(`${name} uses ${unsupported}, which the emulator does not evaluate`);
  const unknown = Object.keys(raw).find((field) => !STATEMENT_FIELDS.has(field));
  if (unknown) throw policyError(`${name} has an unknown field ${unknown}`);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw policyError(`${name} has Effect ${JSON.stringify(raw.Effect)}; expected Allow or Deny`);
  return {
    name,
    effect: raw.Effect,
    actions: stringList(raw.Action, `${name}.Action`),
    resources: stringList(raw.Resource, `${name}.Resource`),
    condition: raw.Condition === undefined ? undefined : parseCondition(raw.Condition, name),
  };
}

function parseCondition(raw: unknown, name: string): ConditionBlock {
  if (!isObject(raw)) throw policyError(`${name}.Condition is not an object`);
  return Object.fromEntries(
    Object.entries(raw).map(([operator, keys]) => {
      if (!isKnownOperator(operator)) throw policyError(`${name} uses the condition operator ${operator}, which the emulator does not evaluate`);
      if (!isObject(keys)) throw policyError(`${name}.Condition.${operator} is not an object`);
      // IAM accepts `true` and `5` for "true" and "5".
      const values = Object.entries(keys).map(([key, value]) => [key, scalarList(value, `${name}.Condition.${operator}.${key}`)]);
      return [operator, Object.fromEntries(values)];
    }),
  );
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (value === undefined || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    throw policyError(`${where} must be a non-empty string or array of strings`);
  }
  return list as string[];
}

function scalarList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (!list.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    throw policyError(`${where} must be a string, number, boolean or an array of them`);
  }
  return list.map(String);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function policyError(problem: string): Error {
  return new Error(`IAM policy: ${problem}`);
}
