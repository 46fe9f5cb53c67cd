/** A series as the stand-in keeps it: all labels, `__name__` included. */
export type Labels = Record<string, string>;

export interface ScrapedSample {
  labels: Labels;
  value: number;
}

export class ExpositionError extends Error {
  constructor(line: number, problem: string) {
    super(`text exposition line ${line}: ${problem}`);
    this.name = 'ExpositionError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const LABEL_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' };

/**
 * Parses the Prometheus text exposition format (0.0.4), as prom-client writes it. Any malformed
 * line fails the whole scrape, as it does in Prometheus. Timestamps are read and ignored: the
 * stand-in only keeps the latest value.
 */
export function parseExposition(text: string): ScrapedSample[] {
  const samples: ScrapedSample[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    samples.push(parseSampleLine(line, index + 1));
  });
  return samples;
}

function parseSampleLine(line: string, lineNo: number): ScrapedSample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new ExpositionError(lineNo, 'expected a metric name');
  const labels: Labels = { __name__: name };
  let rest = line.slice(name.length);
  if (rest.startsWith('{')) rest = parseLabels(rest.slice(1), labels, lineNo);
  const fields = rest.trim().split(/\s+/);
  if (!/^\s/.test(rest) || fields.length > 2) throw new ExpositionError(lineNo, 'expected "name{labels} value [timestamp]"');
  const value = parseFloatText(fields[0]);
  if (value === null) throw new ExpositionError(lineNo, `"${fields[0]}" is not a float`);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new ExpositionError(lineNo, `"${fields[1]}" is not a timestamp`);
  return { labels, value };
}

/** Reads `name="value",...}` into `labels` and returns what follows the closing brace. */
function parseLabels(text: string, labels: Labels, lineNo: number): string {
  let rest = text.trimStart();
  while (!rest.startsWith('}')) {
    const name = LABEL_NAME.exec(rest)?.[0];
    if (!name) throw new ExpositionError(lineNo, 'expected a label name');
    rest = rest.slice(name.length).trimStart();
    if (!rest.startsWith('="')) throw new ExpositionError(lineNo, `expected ="…" after label ${name}`);
    let value = '';
    let i = 2;
    for (; i < rest.length && rest[i] !== '"'; i += 1) {
      if (rest[i] !== '\\') {
        value += rest[i];
        continue;
      }
      const escaped = LABEL_ESCAPES[rest[i + 1]];
      if (escaped === undefined) throw new ExpositionError(lineNo, `invalid escape in label ${name}`);
      value += escaped;
      i += 1;
    }
    if (i >= rest.length) throw new ExpositionError(lineNo, `unterminated value of label ${name}`);
    if (name in labels) throw new ExpositionError(lineNo, `duplicate label ${name}`);
    labels[name] = value;
    rest = rest.slice(i + 1).trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (!rest.startsWith('}')) throw new ExpositionError(lineNo, 'expected , or } after a label');
  }
  return rest.slice(1);
}

/** Go's ParseFloat, as far as exporters use it: decimals, NaN and infinities. */
function parseFloatText(text: string): number | null {
  if (/^nan$/i.test(text)) return NaN;
  const infinity = /^([+-]?)inf(inity)?$/i.exec(text);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : null;
}
