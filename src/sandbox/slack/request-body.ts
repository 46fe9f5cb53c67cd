import type { IncomingMessage } from 'node:http';

/** Slack caps request bodies well below this; the fake refuses larger ones rather than buffer them. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Its message is the Slack-style error code to answer with. */
export class BodyError extends Error {}

export async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyError('request_too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The arguments of a Web API call, from a form body or a JSON body. */
export function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (raw.trim() === '') return {};
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new BodyError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BodyError('invalid_json');
    return parsed as Record<string, unknown>;
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') return Object.fromEntries(new URLSearchParams(raw));
  throw new BodyError('invalid_form_data');
}
