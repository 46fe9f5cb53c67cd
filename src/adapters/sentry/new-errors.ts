import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, type NewErrors, type NewIssue } from '../../deploy/ports.js';
import { issuesSchema, toNewIssue } from './issue-json.js';
import { nextCursor } from './link-header.js';
import { createSentryApi, type SentryApi, type SentryApiOptions } from './sentry-api.js';

export interface SentryNewErrorsOptions extends SentryApiOptions {
  /** Pages of 100 issues read at most per call; a release with more new issues than that is plainly broken. */
  maxPages?: number;
  /** How far back Sentry looks for the issues' events; Sentry's own default is 14d. */
  statsPeriod?: string;
}

/**
 * New errors of a release: unresolved issues whose first event came from that release, in the
 * service's environment, read from the organization issues API.
 */
export function createSentryNewErrors(options: SentryNewErrorsOptions): NewErrors {
  const api = createSentryApi(options);
  const maxPages = options.maxPages ?? 10;
  const statsPeriod = options.statsPeriod ?? '14d';
  const projectIds = new Map<string, Promise<string>>();

  const projectId = (org: string, project: string): Promise<string> => {
    // The issues API filters by numeric project ID; a slug that matched nothing would silently
    // return no issues, so slugs are resolved (and a wrong one reported) first.
    if (/^\d+$/.test(project)) return Promise.resolve(project);
    const key = `${org}/${project}`;
    let id = projectIds.get(key);
    if (!id) {
      id = lookUpProject(api, org, project);
      projectIds.set(key, id);
      id.catch(() => projectIds.delete(key));
    }
    return id;
  };

  return {
    async newIssues(service: ServiceConfig, version: string): Promise<NewIssue[]> {
      const sentry = service.sentry;
      if (!sentry) {
        throw new DependencyError('sentry', `service ${service.name} has no sentry settings in the catalog, so its new errors cannot be watched`, undefined, 'NotConfigured');
      }
      const purpose = `listing new issues of ${service.name} ${version} (org ${sentry.org}, project ${sentry.project}, environment ${sentry.environment})`;
      const params = new URLSearchParams({
        project: await projectId(sentry.org, sentry.project),
        environment: sentry.environment,
        // A given query replaces Sentry's default `is:unresolved`, so it is spelled out.
        query: `is:unresolved firstRelease:${quoted(version)}`,
        statsPeriod,
        sort: 'new',
        limit: '100',
      });
      const path = `/organizations/${encodeURIComponent(sentry.org)}/issues/`;

      const found = new Map<string, NewIssue>();
      for (let page = 0; page < maxPages; page += 1) {
        const { body, headers } = await api.get(path, params, purpose);
        const issues = issuesSchema.safeParse(body);
        if (!issues.success) throw api.badResponse(describe(issues.error), purpose);
        // Issues can shift between pages while they are read; the first sighting wins.
        for (const issue of issues.data) if (!found.has(issue.id)) found.set(issue.id, toNewIssue(issue));
        const cursor = nextCursor(headers.get('link'));
        if (!cursor) break;
        params.set('cursor', cursor);
      }
      return [...found.values()];
    },
  };
}

async function lookUpProject(api: SentryApi, org: string, slug: string): Promise<string> {
  const purpose = `looking up project ${slug} of org ${org}`;
  const { body } = await api.get(`/projects/${encodeURIComponent(org)}/${encodeURIComponent(slug)}/`, new URLSearchParams(), purpose);
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw api.badResponse('the project has no id', purpose);
  return String(id);
}

/** Sentry's search grammar knows one escape inside quotes, `\"`, so any version string stays one term. */
function quoted(value: string): string {
  return `"${value.replace(/"/g, '\\"')}"`;
}

function describe(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const first = error.issues[0];
  return first ? `issue list ${first.path.map(String).join('.')}: ${first.message}` : 'not an issue list';
}
