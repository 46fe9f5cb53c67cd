import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface RouteContext {
  registry: Registry;
  drainToken: string;
  serving(): boolean;
  drain(): void;
}

/** `GET /healthz`, `GET /metrics`, `POST /drain` (Bearer token); websockets are at `/ws`. */
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
  if (path === '/drain' && request.method === 'POST') {
    if (!bearerMatches(request.headers.authorization, context.drainToken)) return sendText(response, 401, 'missing or wrong drain token');
    context.drain();
    return sendText(response, 202, 'clients told to reconnect');
  }
  sendText(response, 404, 'not found');
}

function bearerMatches(header: string | undefined, token: string): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
