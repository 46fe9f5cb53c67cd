import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** Headers that describe one connection, not the message; a proxy must not pass them on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);

/** What ALB adds to every request: the client's address after any earlier hops, the listener's protocol and port. */
export function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const earlier = req.headers['x-forwarded-for'];
  const client = req.socket.remoteAddress ?? '';
  return {
    'x-forwarded-for': earlier ? `${String(earlier)}, ${client}` : client,
    'x-forwarded-proto': 'http',
    'x-forwarded-port': String(req.socket.localPort ?? ''),
  };
}

/** A message's own headers, for forwarding it over a different connection. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !FORWARDED.has(name)));
}

/**
 * The request head of an upgrade, byte for byte as the client sent it (Connection and Upgrade
 * included: the target must see the handshake) plus the forwarding headers.
 */
export function upgradeRequestHead(req: IncomingMessage): string {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!FORWARDED.has(req.rawHeaders[i].toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  for (const [name, value] of Object.entries(forwardedHeaders(req))) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
