/**
 * A small XML writer for AWS Query-protocol responses. Values are escaped here and only here, so
 * tag values, names and error messages can hold any text.
 */
export type XmlValue = string | number | boolean | null | undefined | XmlList | XmlObject;
export interface XmlObject {
  readonly [element: string]: XmlValue;
}

export class XmlList {
  constructor(
    readonly itemElement: string,
    readonly values: readonly XmlValue[],
  ) {}
}

/** EC2 wraps list entries in `<item>`. */
export const items = (values: readonly XmlValue[]): XmlList => new XmlList('item', values);
/** ELBv2 wraps list entries in `<member>`. */
export const members = (values: readonly XmlValue[]): XmlList => new XmlList('member', values);

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

export function escapeXml(text: string): string {
  return (
    text
      .replace(/[&<>"'\r]/g, (c) => ENTITIES[c])
      // XML 1.0 cannot carry these control characters at all, not even as character references.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
  );
}

export function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (value instanceof XmlList) {
    if (value.values.length === 0) return `<${name}/>`;
    return `<${name}>${value.values.map((v) => element(value.itemElement, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${elements(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function elements(fields: XmlObject): string {
  return Object.entries(fields)
    .map(([name, value]) => element(name, value))
    .join('');
}

export function xmlDocument(root: string, body: XmlObject, namespace?: string): string {
  const xmlns = namespace ? ` xmlns="${escapeXml(namespace)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns}>${elements(body)}</${root}>`;
}
