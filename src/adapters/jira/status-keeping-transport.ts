import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What jira-client hands its `request` option: request-style options built from its own settings. */
export interface ClientRequestOptions {
  uri: string;
  method?: string;
  body?: unknown;
  auth?: { user?: string; pass?: string; bearer?: string };
  timeout?: number;
  rejectUnauthorized?: boolean;
  ca?: string;
}

export type TransportOutcome =
  | { kind: 'reply'; status: number; body: unknown; headers: IncomingHttpHeaders }
  | { kind: 'failure'; timedOut: boolean; cause: string };

/**
 * jira-client's own transport rejects with the bare response body, and doRequest then throws
 * `Error(JSON.stringify(body))`: the HTTP status is gone, and so is a network error's message.
 * This transport never rejects; it resolves with the status and body (or the network failure),
 * which jira-client passes through untouched, so the caller can say what actually went wrong.
 */
export function statusKeepingTransport(options: ClientRequestOptions): Promise<TransportOutcome> {
  const url = new URL(options.uri);
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = authorizationOf(options.auth);
  if (authorization) headers.authorization = authorization;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const signal = options.timeout ? AbortSignal.timeout(options.timeout) : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    const failed = (error: unknown) => resolve({ kind: 'failure', timedOut: signal?.aborted ?? false, cause: causeOf(error) });
    const outgoing = send(
      url,
      { method: options.method ?? 'GET', headers, signal, rejectUnauthorized: options.rejectUnauthorized ?? true, ...(options.ca ? { ca: options.ca } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', failed);
        response.on('end', () => {
          resolve({ kind: 'reply', status: response.statusCode ?? 0, body: parsed(Buffer.concat(chunks).toString('utf8')), headers: response.headers });
        });
      },
    );
    outgoing.on('error', failed);
    outgoing.end(payload);
  });
}

export function isTransportOutcome(value: unknown): value is TransportOutcome {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'reply' || kind === 'failure';
}

function authorizationOf(auth: ClientRequestOptions['auth']): string | undefined {
  if (!auth) return undefined;
  if (auth.bearer) return `Bearer ${auth.bearer}`;
  if (auth.user) return `Basic ${Buffer.from(`${auth.user}:${auth.pass ?? ''}`).toString('base64')}`;
  return undefined;
}

/** JSON when it is JSON; otherwise the text (Jira's proxies and some 401s answer in text or HTML). */
function parsed(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && code !== 'ABORT_ERR' ? code : error.message;
}
