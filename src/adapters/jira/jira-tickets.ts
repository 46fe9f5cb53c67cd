import type { ServiceConfig } from '../../config/catalog.js';
import type { TicketRelease, TicketResult, Tickets } from '../../deploy/ports.js';
import { fixVersionName, releaseDateOf } from './fix-version.js';
import { findDoneTransition, screenFields } from './done-transition.js';
import { createJiraClient, type JiraClient, type JiraClientOptions } from './jira-client.js';
import { JiraError } from './jira-error.js';
import { isReleaseComment, releaseComment } from './release-comment.js';

export type JiraTicketsOptions = JiraClientOptions | { client: JiraClient };

/** Failures of Jira as a whole rather than of one issue. */
const OUTAGES = new Set(['Unauthorized', 'Gone', 'RateLimited', 'ServerError', 'Unreachable', 'Timeout', 'Redirected', 'BadResponse']);
/**
 * Outages that would fail every remaining key the same way. A 5xx is left out: Jira answers 500
 * when one issue's workflow post-function breaks, and the other issues deserve their turn.
 */
const STOPS_THE_REST = new Set(['Unauthorized', 'Gone', 'RateLimited', 'Unreachable', 'Timeout', 'Redirected', 'BadResponse']);

/**
 * Closes the issues of a release and releases its fix version, acting on exactly the keys the
 * changelog names (never a JQL search).
 *
 * Failure rule of `close`: an outage (bad credentials, 5xx, 410, rate limit, no connection,
 * timeout) before anything was changed throws a DependencyError, so the release can say "Jira
 * unavailable" and offer a retry that repeats nothing. Once an issue was commented on or
 * transitioned, problems are reported per key instead, so that a retry never comments twice;
 * an outage that would fail every remaining key marks them "not attempted" without calling Jira.
 * A 404 or 403 (a missing issue, a permission lacking in one project) is always the key's own
 * problem: a retry would not make it go away.
 * Keys are handled one at a time, which keeps that rule exact and Jira's rate limits far away.
 * A close repeated for the same release (a restart after a crash, Retry Jira) reads each issue's
 * comments first: it never comments twice, and transitions what the first attempt left undone.
 */
export function createJiraTickets(options: JiraTicketsOptions): Tickets {
  const client = 'client' in options ? options.client : createJiraClient(options);

  return {
    async close(service, keys, release) {
      const jira = settingsOf(service, 'close its issues');
      const results: TicketResult[] = [];
      let changedAnything = false;
      let stoppedBy: JiraError | null = null;
      for (const key of unique(keys)) {
        const result: TicketResult = { key, transitioned: false, commented: false, problem: null };
        results.push(result);
        if (stoppedBy) {
          result.problem = `not attempted: ${stoppedBy.message}`;
          continue;
        }
        const doing = { what: 'read the issue' };
        try {
          await closeOne(client, key, jira.doneTransition, { service: service.name, release }, result, doing);
        } catch (error) {
          if (!(error instanceof JiraError)) throw error;
          const outage = error.code !== undefined && OUTAGES.has(error.code);
          if (outage && !changedAnything && !result.commented && !result.transitioned) throw error;
          result.problem = problemOf(error, doing.what);
          if (error.code !== undefined && STOPS_THE_REST.has(error.code)) stoppedBy = error;
        }
        changedAnything ||= result.commented || result.transitioned;
      }
      return results;
    },

    async releaseVersion(service, version, at) {
      const jira = settingsOf(service, 'release its fix version');
      const name = fixVersionName(jira.fixVersion, service.name, version);
      const releaseDate = releaseDateOf(service, at);
      for (const project of jira.projects) {
        const existing = (await client.versions(project)).find((v) => v.name.toLowerCase() === name.toLowerCase());
        // Already released (by an earlier attempt or by hand): its release date stays as it was.
        if (existing?.released) continue;
        if (existing) await client.updateVersion(existing, { released: true, releaseDate });
        else await client.createVersion({ name, projectId: await client.projectId(project), released: true, releaseDate });
      }
      return name;
    },
  };
}

/**
 * Comments first, then transitions: many workflows make done issues read-only, so a comment
 * after the transition would be refused. That order also means an issue done that carries this
 * release's comment was closed by this release, in an attempt that did not live to say so.
 * `doing` tracks the step for the problem's wording.
 */
async function closeOne(
  client: JiraClient,
  key: string,
  doneName: string,
  of: { service: string; release: TicketRelease },
  result: TicketResult,
  doing: { what: string },
): Promise<void> {
  const status = await client.status(key);
  doing.what = 'read its comments';
  const ours = (await client.comments(key)).some((body) => isReleaseComment(body, of.release.id));
  if (!ours) {
    doing.what = 'comment';
    await client.comment(key, releaseComment({ service: of.service, version: of.release.version, releaseId: of.release.id }));
  }
  result.commented = true;
  if (status.category === 'done') {
    if (ours) result.transitioned = true;
    else result.problem = `already ${status.name}, so not transitioned`;
    return;
  }
  doing.what = 'list its transitions';
  const transitions = await client.transitions(key);
  const done = findDoneTransition(transitions, doneName);
  if (!done) {
    const available = transitions.map((t) => t.name).join(', ') || 'none';
    result.problem = `no transition named ${doneName} from ${status.name} (available: ${available})`;
    return;
  }
  const fields = screenFields(done);
  if ('unfillable' in fields) {
    result.problem = `the ${done.name} transition asks for ${fields.unfillable.join(', ')}, which the bot cannot fill in`;
    return;
  }
  doing.what = `apply the ${done.name} transition`;
  await client.transition(key, done.id, fields.values);
  result.transitioned = true;
}

function problemOf(error: JiraError, doing: string): string {
  const said = error.said ? `: ${error.said}` : '';
  switch (error.code) {
    case 'NotFound':
      return 'issue does not exist or you may not see it';
    case 'Forbidden':
      return `not allowed to ${doing}${said}`;
    case 'BadRequest':
      return `Jira refused to ${doing}${said}`;
    case 'ServerError':
      return `Jira answered ${error.status} when asked to ${doing}`;
    default:
      return error.message;
  }
}

function settingsOf(service: ServiceConfig, purpose: string): NonNullable<ServiceConfig['jira']> {
  if (!service.jira) {
    throw new JiraError(`service ${service.name} has no jira settings in the catalog, so the bot cannot ${purpose}`, 'NotConfigured', null, null);
  }
  return service.jira;
}

/** The changelog can name an issue in several commits, and in any case; each is handled once. */
function unique(keys: string[]): string[] {
  return [...new Set(keys.map((k) => k.trim().toUpperCase()).filter(Boolean))];
}
