import JiraApi from 'jira-client';
import { z } from 'zod';
import { isTransportOutcome, statusKeepingTransport, type TransportOutcome } from './status-keeping-transport.js';
import { badAnswer, JiraError, jiraErrorOf, type JiraErrorContext } from './jira-error.js';
import type { Clock } from '../../deploy/ports.js';

export interface JiraClientOptions {
  /** e.g. https://acme.atlassian.net, or https://jira.example.com/jira with a context path. */
  url: string;
  /** Jira Cloud: the account's email and an API token (basic auth). */
  email?: string;
  apiToken?: string;
  /** Jira Data Center: a personal access token (bearer auth). */
  pat?: string;
  timeoutMs?: number;
  clock?: Clock;
}

const statusSchema = z.object({
  fields: z.object({ status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }) }) }),
});

const fieldSchema = z.object({
  required: z.boolean(),
  hasDefaultValue: z.boolean().optional(),
  name: z.string().optional(),
  allowedValues: z.array(z.object({ id: z.string().optional(), name: z.string().optional() }).loose()).optional(),
});

const transitionsSchema = z.object({
  transitions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      to: z.object({ name: z.string() }).loose().optional(),
      fields: z.record(z.string(), fieldSchema).optional(),
    }),
  ),
});

const commentPageSchema = z.object({
  total: z.number(),
  comments: z.array(z.object({ body: z.string() })),
});

/** Jira Cloud and Data Center both serve 100 comments a page at least; fewer, and the loop asks again. */
const COMMENT_PAGE = 100;

const versionSchema = z.object({
  id: z.string(),
  name: z.string(),
  released: z.boolean().optional().default(false),
  releaseDate: z.string().optional(),
});

const myselfSchema = z.object({ displayName: z.string(), accountId: z.string().optional(), name: z.string().optional() });

const permissionsSchema = z.object({
  permissions: z.record(z.string(), z.object({ havePermission: z.boolean() }).loose()),
});

const searchSchema = z.object({
  issues: z.array(z.object({ key: z.string(), fields: z.object({ status: z.object({ name: z.string() }).loose() }).loose() })),
});

export type JiraTransition = z.output<typeof transitionsSchema>['transitions'][number];
export type JiraVersion = z.output<typeof versionSchema>;
export type JiraUser = z.output<typeof myselfSchema>;

/** jira-client's request plumbing, typed private in @types/jira-client; the enhanced search has no method of its own. */
interface RequestPlumbing {
  makeUri(options: { pathname: string; intermediatePath?: string }): string;
  makeRequestHeader(uri: string, options?: { method?: string; body?: unknown }): object;
  doRequest(options: object): Promise<unknown>;
}

export interface JiraClient {
  /** The issue's status and its category key (new, indeterminate, done). */
  status(key: string): Promise<{ name: string; category: string }>;
  /** Transitions offered from the issue's current status, with the fields their screens ask for. */
  transitions(key: string): Promise<JiraTransition[]>;
  transition(key: string, transitionId: string, fields?: Record<string, unknown>): Promise<void>;
  /** A comment in Jira wiki markup (API v2). */
  comment(key: string, text: string): Promise<void>;
  /** The bodies of every comment on the issue, oldest first, in wiki markup (API v2). */
  comments(key: string): Promise<string[]>;
  versions(project: string): Promise<JiraVersion[]>;
  projectId(project: string): Promise<string>;
  createVersion(version: { name: string; projectId: string; released: boolean; releaseDate: string }): Promise<JiraVersion>;
  updateVersion(version: JiraVersion, changes: { released: boolean; releaseDate: string }): Promise<JiraVersion>;
}

/** Reads that check the bot's access before a release needs it (the preflight check); they change nothing. */
export interface JiraAccessReads {
  /** Who the credentials sign in as. */
  myself(): Promise<JiraUser>;
  /** Whether the bot's user holds each of these permission keys (e.g. TRANSITION_ISSUES) in the project. */
  permissions(project: string, keys: string[]): Promise<Record<string, boolean>>;
  /** The most recently updated issue of the project that is not done, or null when there is none. */
  openIssue(project: string): Promise<{ key: string; status: string } | null>;
}

/**
 * Jira's REST API v2 through jira-client, with a transport that keeps HTTP statuses so that every
 * failure becomes a JiraError saying what happened and what to check. Never calls `searchJira`:
 * `/rest/api/2/search` answers 410 on Jira Cloud since 2025.
 */
export function createJiraClient(options: JiraClientOptions): JiraClient & JiraAccessReads {
  const url = new URL(options.url);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const auth = options.pat ? 'pat' : 'cloud';
  if (!options.pat && !(options.email && options.apiToken)) {
    throw new JiraError('Jira needs JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center)', 'NotConfigured', null, null);
  }
  const api = new JiraApi({
    protocol: url.protocol.replace(':', ''),
    host: url.hostname,
    ...(url.port ? { port: url.port } : {}),
    base: url.pathname.replace(/\/+$/, ''),
    ...(options.pat ? { bearer: options.pat } : { username: options.email, password: options.apiToken }),
    apiVersion: '2',
    strictSSL: true,
    timeout: timeoutMs,
    request: statusKeepingTransport,
  });
  const secrets = [options.apiToken, options.pat].filter((s): s is string => Boolean(s));
  const clock = options.clock ?? { now: Date.now };
  const context: JiraErrorContext = { origin: url.origin, timeoutMs, auth, secrets, now: () => clock.now() };

  const call = async <T>(purpose: string, schema: z.ZodType<T> | null, run: () => Promise<unknown>): Promise<T> => {
    let outcome: TransportOutcome;
    try {
      const answer = await run();
      if (!isTransportOutcome(answer)) throw new Error('jira-client answered without going through the transport');
      outcome = answer;
    } catch (error) {
      outcome = { kind: 'failure', timedOut: false, cause: error instanceof Error ? error.message : String(error) };
    }
    const failure = jiraErrorOf(outcome, purpose, context);
    if (failure) throw failure;
    if (!schema) return undefined as T;
    const body = schema.safeParse((outcome as { body: unknown }).body);
    if (!body.success) throw badAnswer(purpose, context, describe(body.error));
    return body.data;
  };

  return {
    async status(key) {
      const issue = await call(`reading ${key}`, statusSchema, () => api.findIssue(key, '', 'status'));
      return { name: issue.fields.status.name, category: issue.fields.status.statusCategory.key };
    },
    async transitions(key) {
      return (await call(`listing the transitions of ${key}`, transitionsSchema, () => api.listTransitions(key))).transitions;
    },
    async transition(key, transitionId, fields) {
      await call(`transitioning ${key}`, null, () => api.transitionIssue(key, { transition: { id: transitionId }, ...(fields ? { fields } : {}) }));
    },
    async comment(key, text) {
      await call(`commenting on ${key}`, null, () => api.addComment(key, text));
    },
    async comments(key) {
      const bodies: string[] = [];
      for (;;) {
        // getComments takes no paging; genericGet keeps a query string, since jira-client decodes the URI it builds.
        const endpoint = `issue/${key}/comment?startAt=${bodies.length}&maxResults=${COMMENT_PAGE}`;
        const page = await call(`reading the comments of ${key}`, commentPageSchema, () => api.genericGet(endpoint));
        bodies.push(...page.comments.map((c) => c.body));
        if (page.comments.length === 0 || bodies.length >= page.total) return bodies;
      }
    },
    async versions(project) {
      return call(`listing the versions of project ${project}`, z.array(versionSchema), () => api.getVersions(project));
    },
    async projectId(project) {
      const found = await call(`looking up project ${project}`, z.object({ id: z.string() }), () => api.getProject(project));
      return found.id;
    },
    async createVersion(version) {
      return call(`creating version ${version.name}`, versionSchema, () => api.createVersion({ ...version, projectId: Number(version.projectId) }));
    },
    async updateVersion(version, changes) {
      return call(`releasing version ${version.name}`, versionSchema, () => api.updateVersion({ id: version.id, ...changes }));
    },
    async myself() {
      return call('reading who the credentials belong to', myselfSchema, () => api.getCurrentUser());
    },
    async permissions(project, keys) {
      // Jira Cloud requires `permissions`; naming them also keeps the answer small.
      const endpoint = `mypermissions?projectKey=${encodeURIComponent(project)}&permissions=${keys.map(encodeURIComponent).join(',')}`;
      const answer = await call(`reading the bot's permissions in project ${project}`, permissionsSchema, () => api.genericGet(endpoint));
      return Object.fromEntries(keys.map((key) => [key, answer.permissions[key]?.havePermission === true]));
    },
    async openIssue(project) {
      const plumbing = api as unknown as RequestPlumbing;
      const body = { jql: `project = ${jqlString(project)} AND statusCategory != Done ORDER BY updated DESC`, maxResults: 1, fields: ['status'] };
      // Never /rest/api/2/search: Jira Cloud answers 410 there since 2025.
      const uri = plumbing.makeUri({ pathname: '/search/jql', intermediatePath: '/rest/api/3' });
      const found = await call(`looking for an open issue of project ${project}`, searchSchema, () => plumbing.doRequest(plumbing.makeRequestHeader(uri, { method: 'POST', body })));
      const issue = found.issues[0];
      return issue ? { key: issue.key, status: issue.fields.status.name } : null;
    },
  };
}

/** A JQL string literal: a project key such as AND or IN would otherwise read as a keyword. */
function jqlString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function describe(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.map(String).join('.') || 'the body'}: ${first.message}` : 'not what Jira sends';
}
