import type { Labels, ScrapedSample } from './exposition.js';

/** A query the stand-in cannot read or does not evaluate; Prometheus answers these with 400 bad_data. */
export class BadQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadQueryError';
  }
}

interface Matcher {
  label: string;
  test: (value: string) => boolean;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

export type SubsetQuery = { kind: 'selector'; selector: Selector } | { kind: 'sumBy'; by: string[]; selector: Selector };

const SUPPORTED = 'the Prometheus stand-in evaluates only `METRIC{LABEL=~"REGEX", …}` and `sum by (LABEL) (METRIC{…})`';

type Token = { kind: 'ident' | 'string' | 'punct' | 'op'; text: string };

/**
 * Parses the only PromQL shapes this project generates: an instant vector selector, optionally
 * summed by labels. String literals follow PromQL (Go escapes; unknown escapes such as `\.` are
 * errors, as in Prometheus) and regexes are fully anchored.
 */
export function parseSubsetQuery(query: string): SubsetQuery {
  const tokens = tokenize(query);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const take = (kind: Token['kind'], text?: string): Token => {
    const token = tokens[at];
    if (!token || token.kind !== kind || (text !== undefined && token.text !== text)) {
      throw new BadQueryError(`${SUPPORTED}; unexpected ${token ? `"${token.text}"` : 'end of query'} in: ${query}`);
    }
    at += 1;
    return token;
  };

  const selector = (): Selector => {
    const metric = take('ident').text;
    const matchers: Matcher[] = [];
    if (peek()?.text === '{') {
      take('punct', '{');
      while (peek()?.text !== '}') {
        const label = take('ident').text;
        const op = take('op').text;
        matchers.push(matcher(label, op, take('string').text));
        if (peek()?.text !== ',') break;
        take('punct', ',');
      }
      take('punct', '}');
    }
    return { metric, matchers };
  };

  let parsed: SubsetQuery;
  if (peek()?.text === 'sum' && tokens[at + 1]?.text === 'by') {
    take('ident', 'sum');
    take('ident', 'by');
    take('punct', '(');
    const by = [take('ident').text];
    while (peek()?.text === ',') {
      take('punct', ',');
      by.push(take('ident').text);
    }
    take('punct', ')');
    take('punct', '(');
    parsed = { kind: 'sumBy', by, selector: selector() };
    take('punct', ')');
  } else {
    parsed = { kind: 'selector', selector: selector() };
  }
  const extra = peek();
  if (extra) throw new BadQueryError(`${SUPPORTED}; unexpected "${extra.text}" after the end of: ${query}`);
  return parsed;
}

export interface ResultSeries {
  metric: Labels;
  value: number;
}

export function evaluate(query: SubsetQuery, series: ScrapedSample[]): ResultSeries[] {
  const selected = series.filter((s) => matches(query.selector, s.labels)).map((s) => ({ metric: s.labels, value: s.value }));
  if (query.kind === 'selector') return selected;
  const groups = new Map<string, ResultSeries>();
  for (const s of selected) {
    const metric: Labels = {};
    for (const label of query.by) if (s.metric[label]) metric[label] = s.metric[label];
    const key = JSON.stringify(query.by.map((l) => metric[l] ?? ''));
    const group = groups.get(key);
    if (group) group.value += s.value;
    else groups.set(key, { metric, value: s.value });
  }
  return [...groups.values()];
}

function matches(selector: Selector, labels: Labels): boolean {
  // A missing label matches as the empty string, as in Prometheus.
  return labels.__name__ === selector.metric && selector.matchers.every((m) => m.test(labels[m.label] ?? ''));
}

function matcher(label: string, op: string, value: string): Matcher {
  if (op === '=') return { label, test: (v) => v === value };
  if (op === '!=') return { label, test: (v) => v !== value };
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${value})$`);
  } catch (error) {
    throw new BadQueryError(`invalid regular expression in ${label}${op}: ${(error as Error).message}`);
  }
  return op === '=~' ? { label, test: (v) => regex.test(v) } : { label, test: (v) => !regex.test(v) };
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const space = /^\s+/.exec(rest);
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    const op = /^(=~|!~|!=|=)/.exec(rest);
    if (space) i += space[0].length;
    else if (ident) {
      tokens.push({ kind: 'ident', text: ident[0] });
      i += ident[0].length;
    } else if (op) {
      tokens.push({ kind: 'op', text: op[0] });
      i += op[0].length;
    } else if ('{}(),'.includes(rest[0])) {
      tokens.push({ kind: 'punct', text: rest[0] });
      i += 1;
    } else if (`"'\``.includes(rest[0])) {
      const { text, length } = readString(rest);
      tokens.push({ kind: 'string', text });
      i += length;
    } else {
      throw new BadQueryError(`${SUPPORTED}; unexpected character "${rest[0]}" in: ${query}`);
    }
  }
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** A PromQL string literal at the start of `text`: its value and how many characters it took. */
function readString(text: string): { text: string; length: number } {
  const quote = text[0];
  let value = '';
  for (let i = 1; i < text.length; i += 1) {
    const char = text[i];
    if (char === quote) return { text: value, length: i + 1 };
    if (char !== '\\' || quote === '`') {
      value += char;
      continue;
    }
    const next = text[i + 1];
    const code = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})/.exec(text.slice(i + 1))?.[0];
    if (next === quote) value += quote;
    else if (next in SIMPLE_ESCAPES) value += SIMPLE_ESCAPES[next];
    else if (code) {
      value += String.fromCodePoint(parseInt(/^[0-7]/.test(code) ? code : code.slice(1), /^[0-7]/.test(code) ? 8 : 16));
      i += code.length - 1;
    } else throw new BadQueryError(`unknown escape sequence "\\${next ?? ''}" in a string`);
    i += 1;
  }
  throw new BadQueryError('unterminated quoted string');
}
