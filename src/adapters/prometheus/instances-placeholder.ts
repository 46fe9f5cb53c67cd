const PLACEHOLDER = '{instances}';

/** RE2 metacharacters: a label value such as 10.0.0.5:9100 must match only itself. */
export function regexAlternation(values: string[]): string {
  return values.map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')).join('|');
}

/**
 * Puts a regex into every `{instances}` of a PromQL template. The placeholder must sit inside a
 * string literal, and the regex is escaped for that literal's quoting: PromQL strings use Go's
 * escapes, so the regex `10\.0` is written "10\\.0" (or `10\.0` in a raw string).
 */
export function fillInstances(template: string, regex: string, key: string): string {
  let filled = '';
  let quote: string | null = null;
  for (let i = 0; i < template.length; ) {
    if (template.startsWith(PLACEHOLDER, i)) {
      if (quote === null) throw new Error(`${key} has ${PLACEHOLDER} outside a quoted label matcher; write it like instance=~"${PLACEHOLDER}"`);
      filled += inLiteral(regex, quote);
      i += PLACEHOLDER.length;
      continue;
    }
    const char = template[i];
    if (quote !== null && char === '\\' && quote !== '`') {
      filled += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (quote === null && (char === '"' || char === "'" || char === '`')) quote = char;
    else if (char === quote) quote = null;
    filled += char;
    i += 1;
  }
  return filled;
}

function inLiteral(regex: string, quote: string): string {
  // A raw string cannot hold a backquote at all; RE2 reads \x60 as one.
  if (quote === '`') return regex.replace(/`/g, '\\x60');
  return regex.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n');
}
