import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaultQueue } from './api-faults.js';
import { errorOccurrence } from './error-event.js';
import { decodeBody, InvalidEnvelopeError, parseEnvelope } from './envelope.js';
import { createIssueStore, isIssueSort, type IssueInput, type SentryIssueJson, type SentryProject } from './issue-store.js';
import { InvalidCursorError, paginate } from './pagination.js';
import { InvalidSearchError, parseIssueSearch } from './search-query.js';

export interface FakeSentryOptions {
  /** The only auth token the Web API accepts. */
  token: string;
  org?: string;
  projects?: SentryProject[];
  /** Issues per page of the issues API (a smaller `limit` query parameter wins). */
  pageSize?: number;
  now?: () => number;
  port?: number;
}

export interface FakeSentry {
  url: string;
  org: string;
  /** A DSN that makes an SDK report to this fake. */
  dsn(projectId?: string): string;
  addIssue(input: IssueInput): SentryIssueJson;
  issues(): SentryIssueJson[];
  /** Every request received, oldest first (path with query). */
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  failNext(times: number, status?: number): void;
  rateLimitNext(times: number, limit: { resetAt: number; retryAfter?: number; limit?: number }): void;
  hangNext(times: number): void;
  close(): Promise<void>;
}

const NOT_FOUND = { detail: 'The requested resource does not exist' };
const PERIOD_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DEFAULT_PERIOD_MS = 14 * PERIOD_UNITS.d;

/**
 * A stand-in for sentry.io: the organization issues API (Bearer auth, Link pagination, rate
 * limits) and the envelope endpoint SDKs send events to, which become issues grouped like Sentry
 * groups them, remembering the release each issue was first seen in.
 */
export async function startFakeSentry(options: FakeSentryOptions): Promise<FakeSentry> {
  const org = options.org ?? 'acme';
  const projects = options.projects ?? [{ id: '1', slug: 'board' }];
  const pageSize = options.pageSize ?? 100;
  const now = options.now ?? Date.now;
  let baseUrl = '';
  const store = createIssueStore({ projects, now, permalink: (id) => `${baseUrl}/organizations/${org}/issues/${id}/` });
  const faults = createFaultQueue(now);
  const requests: FakeSentry['requests'] = [];

  const handleApi = (request: IncomingMessage, response: ServerResponse, url: URL): void => {
    if (faults.apply(response)) return;
    const authorization = request.headers.authorization;
    if (!authorization) return sendJson(response, 401, { detail: 'Authentication credentials were not provided.' });
    if (authorization !== `Bearer ${options.token}`) return sendJson(response, 401, { detail: 'Invalid token' });

    const issuesPath = /^\/api\/0\/organizations\/([^/]+)\/issues\/$/.exec(url.pathname);
    if (issuesPath && request.method === 'GET') {
      if (decodeURIComponent(issuesPath[1]) !== org) return sendJson(response, 404, NOT_FOUND);
      return listIssues(response, url);
    }
    const projectPath = /^\/api\/0\/projects\/([^/]+)\/([^/]+)\/$/.exec(url.pathname);
    if (projectPath && request.method === 'GET') {
      const idOrSlug = decodeURIComponent(projectPath[2]);
      const project = store.projectById(idOrSlug) ?? store.projectBySlug(idOrSlug);
      if (decodeURIComponent(projectPath[1]) !== org || !project) return sendJson(response, 404, NOT_FOUND);
      return sendJson(response, 200, { id: project.id, slug: project.slug, name: project.slug });
    }
    sendJson(response, 404, NOT_FOUND);
  };

  const listIssues = (response: ServerResponse, url: URL): void => {
    const params = url.searchParams;
    // Sentry's "-1" means every project the token can see.
    const projectIds = params.getAll('project').filter((p) => p !== '-1');
    if (projectIds.some((id) => !store.projectById(id))) {
      return sendJson(response, 403, { detail: 'You do not have permission to perform this action.' });
    }
    const period = periodMs(params.get('statsPeriod'));
    if (period === null) return sendJson(response, 400, { detail: 'Invalid statsPeriod' });
    const sort = params.get('sort') ?? 'date';
    if (!isIssueSort(sort)) return sendJson(response, 400, { detail: `Invalid sort: ${sort}` });
    try {
      const search = parseIssueSearch(params.get('query'));
      const found = store.search({ projectIds, environments: params.getAll('environment'), since: now() - period, sort, ...search });
      const limit = Number(params.get('limit') ?? pageSize);
      const page = paginate(found, new URL(url.pathname + url.search, baseUrl), params.get('cursor'), Math.min(pageSize, limit > 0 ? limit : pageSize));
      sendJson(response, 200, page.items, { link: page.link });
    } catch (error) {
      if (error instanceof InvalidSearchError || error instanceof InvalidCursorError) return sendJson(response, 400, { detail: error.message });
      throw error;
    }
  };

  const ingest = async (request: IncomingMessage, response: ServerResponse, url: URL, projectId: string): Promise<void> => {
    if (!publicKeyOf(request, url)) return sendJson(response, 401, { detail: 'missing authorization information' });
    try {
      const body = await decodeBody(await readBody(request), headerValue(request.headers['content-encoding']));
      const envelope = parseEnvelope(body);
      for (const item of envelope.items) {
        if (item.header.type !== 'event') continue;
        const occurrence = errorOccurrence(JSON.parse(item.payload.toString('utf8')));
        if (occurrence) store.record(projectId, occurrence);
      }
      sendJson(response, 200, { id: envelope.header.event_id ?? null });
    } catch (error) {
      if (error instanceof InvalidEnvelopeError || error instanceof SyntaxError) return sendJson(response, 400, { detail: error.message });
      throw error;
    }
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-sentry.invalid');
    requests.push({ method: request.method ?? 'GET', url: url.pathname + url.search, headers: request.headers });
    const envelopePath = /^\/api\/(\d+)\/envelope\/$/.exec(url.pathname);
    const handled =
      envelopePath && request.method === 'POST'
        ? ingest(request, response, url, envelopePath[1])
        : Promise.resolve(handleApi(request, response, url));
    handled.catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { detail: error instanceof Error ? error.message : String(error) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    org,
    dsn: (projectId = projects[0]?.id ?? '1') => `http://publickey@127.0.0.1:${port}/${projectId}`,
    addIssue: (input) => store.add(input),
    issues: () => store.all(),
    requests,
    failNext: (times, status) => faults.failNext(times, status),
    rateLimitNext: (times, limit) => faults.rateLimitNext(times, limit),
    hangNext: (times) => faults.hangNext(times),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function periodMs(value: string | null): number | null {
  if (value === null || value === '') return DEFAULT_PERIOD_MS;
  const match = /^(\d+)([smhdw])$/.exec(value);
  return match ? Number(match[1]) * PERIOD_UNITS[match[2]] : null;
}

/** SDKs put the DSN's public key in X-Sentry-Auth or, for the envelope endpoint, the query string. */
function publicKeyOf(request: IncomingMessage, url: URL): string | null {
  const fromQuery = url.searchParams.get('sentry_key');
  if (fromQuery) return fromQuery;
  const auth = headerValue(request.headers['x-sentry-auth']);
  return auth ? (/sentry_key=([^,\s]+)/.exec(auth)?.[1] ?? null) : null;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
