import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, parseArgs, readRaw } from './request-body.js';
import { ResponseUrls, type ResponseTarget } from './response-urls.js';
import { fail, METHODS, type ApiResult } from './web-api.js';
import { FakeWorkspace, type WorkspaceConfig } from './workspace.js';

/**
 * A local Slack Web API for tests and the sandbox: `POST /api/<method>` with a bot token, and
 * `POST /response/<id>` for response URLs. Point the bot at it with `SLACK_API_URL=<url>` (the
 * WebClient's `slackApiUrl` is `<url>/api/`).
 */

export interface FakeSlackOptions extends WorkspaceConfig {
  /** The bot token every call must carry (`xoxb-…`). */
  token: string;
  host?: string;
  port?: number;
}

export interface FakeSlack {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** What a WebClient takes as `slackApiUrl`. */
  apiUrl: string;
  workspace: FakeWorkspace;
  /** A response URL as Slack puts in a slash command or button payload. */
  createResponseUrl(target: ResponseTarget): string;
  /**
   * Every request as received (Web API calls and response URLs), headers without Authorization:
   * the one place the bot token belongs.
   */
  onRequest(listener: (request: ReceivedRequest) => void): void;
  /** The next `times` calls of `method` answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, times: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(res: ServerResponse, status: number, body: ApiResult, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function bearer(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return typeof args.token === 'string' ? args.token : undefined;
}

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const workspace = new FakeWorkspace(options);
  const responseUrls = new ResponseUrls(workspace);
  const faults = new Map<string, { times: number; retryAfterSeconds: number }>();
  const listeners: ((request: ReceivedRequest) => void)[] = [];
  let baseUrl = '';

  function callApi(method: string, req: IncomingMessage, args: Record<string, unknown>): { status: number; result: ApiResult; headers?: Record<string, string> } {
    const handler = METHODS[method];
    if (!handler) return { status: 200, result: fail('unknown_method') };
    const token = bearer(req, args);
    if (!token) return { status: 200, result: fail('not_authed') };
    if (token !== options.token) return { status: 200, result: fail('invalid_auth') };
    // The call log is shown in the console: a token sent in the body must not end up there.
    const recorded = { ...args };
    delete recorded.token;
    const fault = faults.get(method);
    if (fault && fault.times > 0) {
      fault.times -= 1;
      workspace.recordCall({ method, args: recorded, ok: false, error: 'ratelimited' });
      return { status: 429, result: fail('ratelimited'), headers: { 'retry-after': String(fault.retryAfterSeconds) } };
    }
    const result = handler(workspace, args, baseUrl);
    workspace.recordCall({ method, args: recorded, ok: result.ok, error: result.error });
    return { status: 200, result };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', baseUrl).pathname;
    const api = /^\/api\/([A-Za-z.]+)$/.exec(path);
    const response = /^\/response\/([0-9a-f]+)$/.exec(path);
    if (req.method !== 'POST' || (!api && !response)) return send(res, 404, fail('not_found'));
    let args: Record<string, unknown>;
    try {
      const raw = await readRaw(req);
      const { authorization: _credential, ...headers } = req.headers;
      for (const listener of listeners) listener({ path, headers, body: raw });
      args = parseArgs(raw, req.headers['content-type']);
    } catch (error) {
      if (error instanceof BodyError) return send(res, 400, fail(error.message));
      throw error;
    }
    if (response) {
      const answer = responseUrls.respond(response[1], args);
      return send(res, answer.status, answer.result);
    }
    const answer = callApi((api as RegExpExecArray)[1], req, args);
    send(res, answer.status, answer.result, answer.headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, fail('internal_error', { detail: error.message })));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    workspace,
    createResponseUrl: (target) => `${baseUrl}/response/${responseUrls.create(target)}`,
    onRequest: (listener) => void listeners.push(listener),
    rateLimit(method, times, retryAfterSeconds) {
      faults.set(method, { times, retryAfterSeconds });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
