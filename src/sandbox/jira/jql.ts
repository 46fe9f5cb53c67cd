import { requestProblem } from './jira-errors.js';
import type { Issue, JiraState } from './jira-state.js';
import { STATUS_CATEGORIES, statusOf } from './workflows.js';

/**
 * The JQL subset the fake understands: clauses joined by AND, each `field = value`,
 * `field != value`, `field in (a, b)` or `field not in (a, b)`, and an optional
 * `ORDER BY field [ASC|DESC]`. Fields: key (issuekey), project, fixVersion, status, statusCategory.
 * Like Jira, it refuses keys and versions that do not exist instead of matching nothing.
 */

interface Clause {
  field: Field;
  negated: boolean;
  values: string[];
}

type Field = 'key' | 'project' | 'fixversion' | 'status' | 'statuscategory';
type OrderField = 'key' | 'created' | 'updated';

interface Query {
  clauses: Clause[];
  order: { field: OrderField; descending: boolean };
}

const FIELDS: Record<string, Field> = { key: 'key', issuekey: 'key', project: 'project', fixversion: 'fixversion', status: 'status', statuscategory: 'statuscategory' };
const ORDER_FIELDS: Record<string, OrderField> = { key: 'key', issuekey: 'key', created: 'created', updated: 'updated' };

export function searchIssues(state: JiraState, jql: string): Issue[] {
  const query = parseJql(jql);
  for (const clause of query.clauses) checkValuesExist(state, clause);
  const found = state.allIssues().filter((issue) => query.clauses.every((clause) => matches(state, issue, clause)));
  const sign = query.order.descending ? -1 : 1;
  return found.sort((a, b) => sign * compare(a, b, query.order.field));
}

function parseJql(jql: string): Query {
  const tokens = tokenize(jql);
  let at = 0;
  const peek = () => tokens[at];
  const next = (expected: string) => {
    const token = tokens[at];
    if (token === undefined) throw syntax(`Expecting ${expected} but got end of query.`);
    at += 1;
    return token;
  };
  const keyword = (word: string) => peek()?.toLowerCase() === word;

  const clauses: Clause[] = [];
  let order: Query['order'] = { field: 'key', descending: false };
  while (at < tokens.length && !keyword('order')) {
    if (clauses.length > 0) {
      const joiner = next("'AND'");
      if (joiner.toLowerCase() !== 'and') throw syntax(`Expecting 'AND' but got '${joiner}'. The fake Jira only joins clauses with AND.`);
    }
    const name = unquote(next('a field name'));
    const field = FIELDS[name.toLowerCase()];
    if (!field) throw requestProblem(400, `Field '${name}' does not exist or you do not have permission to view it.`);
    let operator = next('an operator').toLowerCase();
    if (operator === 'not') operator = `not ${next("'in'").toLowerCase()}`;
    if (!['=', '!=', 'in', 'not in'].includes(operator)) throw syntax(`The operator '${operator}' is not supported by the fake Jira.`);
    const list = operator === 'in' || operator === 'not in';
    clauses.push({ field, negated: operator.startsWith('not') || operator === '!=', values: list ? parseList() : [unquote(next('a value'))] });
  }
  if (keyword('order')) {
    at += 1;
    if (next("'by'").toLowerCase() !== 'by') throw syntax("Expecting 'by' after 'order'.");
    const name = next('a field name');
    const field = ORDER_FIELDS[name.toLowerCase()];
    if (!field) throw syntax(`Ordering by '${name}' is not supported by the fake Jira.`);
    const direction = peek()?.toLowerCase();
    if (direction === 'asc' || direction === 'desc') at += 1;
    order = { field, descending: direction === 'desc' };
  }
  if (at < tokens.length) throw syntax(`Unexpected '${tokens[at]}'.`);
  return { clauses, order };

  function parseList(): string[] {
    if (next("'('") !== '(') throw syntax("Expecting '(' after 'in'.");
    const values: string[] = [];
    for (;;) {
      const value = next('a value');
      if (value === ')' && values.length === 0) throw syntax('Expecting a value in the list but got \')\'.');
      values.push(unquote(value));
      const separator = next("',' or ')'");
      if (separator === ')') return values;
      if (separator !== ',') throw syntax(`Expecting ',' or ')' but got '${separator}'.`);
    }
  }
}

function tokenize(jql: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(!=|=|\(|\)|,)|([^\s(),=!"']+))/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = pattern.exec(jql)) !== null) {
    tokens.push(match[1] ?? match[2] ?? match[3]);
    end = pattern.lastIndex;
  }
  if (jql.slice(end).trim() !== '') throw syntax(`Cannot read the query from '${jql.slice(end).trim()}'.`);
  return tokens;
}

function unquote(token: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(token);
  return quoted ? quoted[2].replace(/\\(.)/g, '$1') : token;
}

function syntax(detail: string) {
  return requestProblem(400, `Error in the JQL Query: ${detail}`);
}

function checkValuesExist(state: JiraState, clause: Clause): void {
  if (clause.field === 'key') {
    const known = new Set(state.allIssues().map((i) => i.key));
    const missing = clause.values.find((key) => !known.has(key.toUpperCase()));
    if (missing) throw requestProblem(400, `An issue with key '${missing}' does not exist for field 'key'.`);
  }
  if (clause.field === 'fixversion') {
    const known = new Set(state.allVersions().map((v) => v.name.toLowerCase()));
    const missing = clause.values.find((name) => !known.has(name.toLowerCase()));
    if (missing) throw requestProblem(400, `The value '${missing}' does not exist for the field 'fixVersion'.`);
  }
}

function matches(state: JiraState, issue: Issue, clause: Clause): boolean {
  const actual = valuesOf(state, issue, clause.field).map((v) => v.toLowerCase());
  const hit = clause.values.some((v) => actual.includes(v.toLowerCase()));
  return clause.negated ? !hit : hit;
}

function valuesOf(state: JiraState, issue: Issue, field: Field): string[] {
  switch (field) {
    case 'key':
      return [issue.key];
    case 'project':
      return [issue.project.key, issue.project.name, issue.project.id];
    case 'fixversion':
      return state.versionsOf(issue.project.key).filter((v) => issue.fixVersionIds.includes(v.id)).map((v) => v.name);
    case 'status':
      return [issue.status];
    case 'statuscategory': {
      const category = statusOf(issue.project.workflow, issue.status).category;
      return [category, STATUS_CATEGORIES[category].name];
    }
  }
}

function compare(a: Issue, b: Issue, field: OrderField): number {
  if (field === 'created') return a.created - b.created || compare(a, b, 'key');
  if (field === 'updated') return a.updated - b.updated || compare(a, b, 'key');
  const [projectA, numberA] = a.key.split('-');
  const [projectB, numberB] = b.key.split('-');
  return projectA.localeCompare(projectB) || Number(numberA) - Number(numberB);
}
