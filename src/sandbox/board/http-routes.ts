import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface RouteContext {
  registry: Registry;
  drainToken: string;
  serving(): boolean;
  drain(): void;
}

const DRAIN_METHODS = 'OPTIONS, POST';

/**
 * `GET /healthz`, `GET /metrics`, `POST /drain` (Bearer token) and `OPTIONS /drain`, the drain
 * hook's probe: it lets the release bot check the hook's address and token without draining
 * anyone. Websockets are at `/ws`.
 */
export async function handleHttp(request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://board.invalid').pathname;
  if (path === '/healthz' && request.method === 'GET') {
    return context.serving() ? sendText(response, 200, 'ok') : sendText(response, 503, 'shutting down');
  }
  if (path === '/metrics' && request.method === 'GET') {
    const body = await context.registry.metrics();
    response.writeHead(200, { 'content-type': context.registry.contentType });
    return void response.end(body);
  }
  if (path === '/drain') return handleDrain(request, response, context);
  sendText(response, 404, 'not found');
}

function handleDrain(request: IncomingMessage, response: ServerResponse, context: RouteContext): void {
  if (request.method !== 'POST' && request.method !== 'OPTIONS') {
    return sendText(response, 405, 'use POST to drain, OPTIONS to probe', { allow: DRAIN_METHODS });
  }
  // The probe checks the token exactly as a drain would, so a probe that passes means the drain will.
  if (!bearerMatches(request.headers.authorization, context.drainToken)) return sendText(response, 401, 'missing or wrong drain token');
  if (request.method === 'OPTIONS') return void response.writeHead(204, { allow: DRAIN_METHODS }).end();
  context.drain();
  sendText(response, 202, 'clients told to reconnect');
}

function bearerMatches(header: string | undefined, token: string): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}
