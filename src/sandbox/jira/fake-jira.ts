import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, sendUnauthenticated, SANDBOX_JIRA_USER, type JiraUser } from './auth.js';
import { createFaults, type FaultTarget } from './faults.js';
import { readJson, sendJson } from './http-io.js';
import { JiraApiError, requestProblem, SEARCH_REMOVED } from './jira-errors.js';
import { commentJson, issueJson, projectJson, transitionJson, versionJson } from './jira-json.js';
import { createJiraState, type Issue, type IssueSeed, type ProjectSeed, type Version, type VersionSeed } from './jira-state.js';
import { searchIssues } from './jql.js';
import { myselfJson, type Signed } from './myself.js';
import { checkDenied, myPermissions, type DeniedPermissions } from './permissions.js';
import { SAMPLE_PROJECTS, SAMPLE_VERSIONS, sampleIssues } from './seed.js';
import { statusOf, type Workflow } from './workflows.js';

export interface FakeJiraOptions {
  /** Who may sign in; the sandbox user by default. */
  users?: JiraUser[];
  /** BOARD and OPS with the sample history's issues and versions by default; given projects start empty. */
  projects?: ProjectSeed[];
  issues?: IssueSeed[];
  versions?: VersionSeed[];
  /**
   * Workflows by project key, replacing those of the sample or given projects: e.g.
   * `{ BOARD: renameTransition(SOFTWARE_WORKFLOW, 'Done', 'Close') }` for a project without "Done".
   */
  workflows?: Record<string, Workflow>;
  /** Permissions every user lacks, by project key, e.g. `{ BOARD: ['TRANSITION_ISSUES'] }`; none by default. */
  denied?: DeniedPermissions;
  /** A context path such as "/jira", as Data Center installations often have. */
  basePath?: string;
  now?: () => number;
  port?: number;
}

export interface IssueSnapshot {
  key: string;
  status: string;
  statusCategory: string;
  resolution: string | null;
  fixVersions: string[];
  comments: string[];
}

export interface FakeJira {
  /** Base URL including the context path: what JIRA_URL would be. */
  url: string;
  issue(key: string): IssueSnapshot;
  versions(projectKey: string): Version[];
  addIssue(seed: IssueSeed): void;
  addVersion(seed: VersionSeed): void;
  setStatus(key: string, status: string): void;
  /** Replaces the permissions users lack in a project (an empty list grants them all again). */
  setDenied(projectKey: string, permissions: string[]): void;
  /** Every request, oldest first: method, path with query, parsed body, who it authenticated as. */
  requests: { method: string; path: string; body?: unknown; scheme: 'basic' | 'bearer' | null }[];
  failNext(status: number, target?: FaultTarget): void;
  hangNext(target?: FaultTarget): void;
  close(): Promise<void>;
}

const MAX_SEARCH_RESULTS = 100;
const MAX_COMMENT_RESULTS = 100;

/**
 * A stand-in for Jira's REST API: the v2 calls jira-client makes to read and close issues, read
 * and add their comments and release versions, v3 enhanced search (`/search/jql`, token
 * pagination), and the removed v2/v3 `/search` answering 410 as Jira Cloud does. Basic (email +
 * API token) or bearer (PAT) auth. `/myself` and `/mypermissions` let a caller check its access
 * before it needs it; they answer as Cloud for basic auth and as Data Center for a PAT, since
 * those are the credentials each takes.
 */
export async function startFakeJira(options: FakeJiraOptions = {}): Promise<FakeJira> {
  const users: readonly JiraUser[] = options.users ?? [SANDBOX_JIRA_USER];
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const state = createJiraState({ projects: withWorkflows(options.projects ?? SAMPLE_PROJECTS, options.workflows ?? {}), now: options.now ?? Date.now });
  const denied: DeniedPermissions = { ...options.denied };
  checkDenied(denied);
  const strangers = Object.keys(denied).filter((key) => !state.projects().some((p) => p.key === key));
  if (strangers.length > 0) throw new Error(`denied names unknown projects ${strangers.join(', ')}`);
  for (const version of options.versions ?? (options.projects ? [] : SAMPLE_VERSIONS)) state.addVersion(version);
  for (const issue of options.issues ?? (options.projects ? [] : sampleIssues())) state.addIssue(issue);
  const faults = createFaults();
  const requests: FakeJira['requests'] = [];
  let origin = '';
  const base = () => `${origin}${basePath}`;

  const route = async (request: IncomingMessage, response: ServerResponse, entry: FakeJira['requests'][number], url: URL, signed: Signed): Promise<void> => {
    const { actor } = signed;
    const method = entry.method;
    const path = url.pathname.slice(basePath.length);
    const body = method === 'POST' || method === 'PUT' ? await readJson(request) : undefined;
    entry.body = body;
    let match: RegExpExecArray | null;

    if (/^\/rest\/api\/(2|3|latest)\/myself$/.test(path) && method === 'GET') return sendJson(response, 200, myselfJson(base(), signed));
    if (/^\/rest\/api\/(2|3|latest)\/mypermissions$/.test(path) && method === 'GET') {
      return sendJson(response, 200, myPermissions(state, url.searchParams, denied, signed.scheme === 'bearer'));
    }
    if (/^\/rest\/api\/(2|3|latest)\/search\/?$/.test(path)) return sendJson(response, 410, SEARCH_REMOVED);
    if (path === '/rest/api/3/search/jql' && method === 'POST') return search(response, body ?? {});

    if ((match = /^\/rest\/api\/2\/issue\/([^/]+)$/.exec(path)) && method === 'GET') {
      const issue = state.issue(decodeURIComponent(match[1]));
      return sendJson(response, 200, issueJson(base(), issue, state.versionsOf(issue.project.key), (url.searchParams.get('fields') || '*all').split(',')));
    }
    if ((match = /^\/rest\/api\/2\/issue\/([^/]+)\/transitions$/.exec(path))) {
      const key = decodeURIComponent(match[1]);
      if (method === 'GET') {
        const issue = state.issue(key);
        const withFields = (url.searchParams.get('expand') ?? '').split(',').includes('transitions.fields');
        return sendJson(response, 200, {
          expand: 'transitions',
          transitions: state.transitionsOf(issue).map((t) => transitionJson(base(), issue.project.workflow, t, withFields)),
        });
      }
      if (method === 'POST') {
        const transition = body?.transition as { id?: unknown } | undefined;
        if (transition?.id === undefined) throw requestProblem(400, 'Missing transition id.');
        state.transition(key, transition.id, body?.fields as Record<string, unknown> | undefined);
        response.writeHead(204).end();
        return;
      }
    }
    if ((match = /^\/rest\/api\/2\/issue\/([^/]+)\/comment$/.exec(path))) {
      const key = decodeURIComponent(match[1]);
      if (method === 'GET') return comments(response, state.issue(key), url.searchParams);
      if (method === 'POST') {
        const comment = state.addComment(key, body?.body, actor);
        return sendJson(response, 201, commentJson(base(), state.issue(key), comment));
      }
    }
    if ((match = /^\/rest\/api\/2\/project\/([^/]+)$/.exec(path)) && method === 'GET') {
      return sendJson(response, 200, projectJson(base(), state.project(decodeURIComponent(match[1]))));
    }
    if ((match = /^\/rest\/api\/2\/project\/([^/]+)\/versions$/.exec(path)) && method === 'GET') {
      return sendJson(response, 200, state.versionsOf(decodeURIComponent(match[1])).map((v) => versionJson(base(), v)));
    }
    if (path === '/rest/api/2/version' && method === 'POST') return sendJson(response, 201, versionJson(base(), state.createVersion(body ?? {})));
    if ((match = /^\/rest\/api\/2\/version\/([^/]+)$/.exec(path)) && method === 'PUT') {
      return sendJson(response, 200, versionJson(base(), state.updateVersion(decodeURIComponent(match[1]), body ?? {})));
    }
    throw requestProblem(404, `null for uri: ${base()}${path}`);
  };

  /** One page of the issue's comments, oldest first; Jira gives fewer than asked beyond its page limit. */
  const comments = (response: ServerResponse, issue: Issue, params: URLSearchParams): void => {
    const startAt = Math.max(0, Number(params.get('startAt') ?? 0) || 0);
    const asked = Number(params.get('maxResults') ?? MAX_COMMENT_RESULTS);
    const maxResults = asked > 0 ? Math.min(asked, MAX_COMMENT_RESULTS) : MAX_COMMENT_RESULTS;
    sendJson(response, 200, {
      startAt,
      maxResults,
      total: issue.comments.length,
      comments: issue.comments.slice(startAt, startAt + maxResults).map((c) => commentJson(base(), issue, c)),
    });
  };

  const search = (response: ServerResponse, body: Record<string, unknown>): void => {
    if (typeof body.jql !== 'string' || body.jql.trim() === '') {
      // The enhanced search refuses unbounded queries.
      throw requestProblem(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
    }
    const maxResults = typeof body.maxResults === 'number' && body.maxResults > 0 ? Math.min(body.maxResults, MAX_SEARCH_RESULTS) : 50;
    const start = startOf(body.nextPageToken);
    const fields = Array.isArray(body.fields) ? body.fields.map(String) : typeof body.fields === 'string' ? body.fields.split(',') : [];
    const found = searchIssues(state, body.jql);
    const page = found.slice(start, start + maxResults);
    const isLast = start + maxResults >= found.length;
    sendJson(response, 200, {
      issues: page.map((issue) => issueJson(base(), issue, state.versionsOf(issue.project.key), fields)),
      ...(isLast ? {} : { nextPageToken: Buffer.from(`offset:${start + maxResults}`).toString('base64url') }),
      isLast,
    });
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-jira.invalid');
    const method = request.method ?? 'GET';
    const entry: FakeJira['requests'][number] = { method, path: url.pathname + url.search, scheme: null };
    requests.push(entry);
    if (faults.apply(method, url.pathname, response)) return;
    if (!url.pathname.startsWith(`${basePath}/`)) return sendJson(response, 404, { errorMessages: [`null for uri: ${origin}${url.pathname}`], errors: {} });
    const auth = authenticate(request.headers, users);
    if ('failure' in auth) return sendUnauthenticated(response, auth.failure);
    entry.scheme = auth.scheme;
    route(request, response, entry, url, { ...auth, index: users.indexOf(auth.user) }).catch((error: unknown) => {
      if (response.headersSent) return;
      if (error instanceof JiraApiError) return sendJson(response, error.status, error.body);
      sendJson(response, 500, { errorMessages: [error instanceof Error ? error.message : String(error)], errors: {} });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base(),
    issue(key) {
      const issue = state.issue(key);
      const status = statusOf(issue.project.workflow, issue.status);
      return {
        key: issue.key,
        status: status.name,
        statusCategory: status.category,
        resolution: issue.resolution,
        fixVersions: state.versionsOf(issue.project.key).filter((v) => issue.fixVersionIds.includes(v.id)).map((v) => v.name),
        comments: issue.comments.map((c) => c.body),
      };
    },
    versions: (projectKey) => state.versionsOf(projectKey).map((v) => ({ ...v })),
    addIssue: (seed) => void state.addIssue(seed),
    addVersion: (seed) => void state.addVersion(seed),
    setStatus: (key, status) => state.setStatus(key, status),
    setDenied(projectKey, permissions) {
      const next = { [state.project(projectKey).key]: [...permissions] };
      checkDenied(next);
      Object.assign(denied, next);
    },
    requests,
    failNext: (status, target) => faults.failNext(status, target),
    hangNext: (target) => faults.hangNext(target),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function withWorkflows(projects: ProjectSeed[], workflows: Record<string, Workflow>): ProjectSeed[] {
  const unknown = Object.keys(workflows).filter((key) => !projects.some((p) => p.key === key));
  if (unknown.length > 0) throw new Error(`workflows given for unknown projects ${unknown.join(', ')}`);
  return projects.map((p) => (workflows[p.key] ? { ...p, workflow: workflows[p.key] } : p));
}

function startOf(token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  const offset = typeof token === 'string' ? /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))?.[1] : undefined;
  if (offset === undefined) throw requestProblem(400, 'The provided next page token is invalid or expired.');
  return Number(offset);
}
