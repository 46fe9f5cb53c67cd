import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { BodyError, readRaw } from '../slack/request-body.js';

/** Its message is shown to the person in the page. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * Only JSON bodies are read: a page on another site cannot send one without a CORS preflight,
 * which the console never answers, so it cannot make the console talk to the bot.
 */
export async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  if ((req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() !== 'application/json') {
    throw new RequestError(415, 'send the request as JSON (content-type: application/json)');
  }
  let raw: string;
  try {
    raw = await readRaw(req);
  } catch (error) {
    if (error instanceof BodyError) throw new RequestError(413, error.message);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new RequestError(400, 'the request body is not JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new RequestError(400, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}
