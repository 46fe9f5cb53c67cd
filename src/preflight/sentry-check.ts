import { createSentryNewErrors } from '../adapters/sentry/new-errors.js';
import type { ServiceConfig } from '../config/catalog.js';
import { DependencyError, type Clock } from '../deploy/ports.js';
import { failed, ok, warning, type CheckLine } from './report.js';
import { counted, withoutSecrets } from './wording.js';

export interface SentryCheckOptions {
  /** SENTRY_URL (https://sentry.io unless set). */
  baseUrl: string;
  /** SENTRY_AUTH_TOKEN; undefined when it is not set. */
  token: string | undefined;
  fetch?: typeof fetch;
  clock?: Clock;
  timeoutMs?: number;
}

const AREA = 'Sentry';
const SCOPES = 'event:read and project:read';

/**
 * Reads the new issues of `version` exactly as a soak does, which proves the token, its scopes,
 * the organization, the project and the environment in one go.
 */
export async function checkSentry(service: ServiceConfig, version: string, options: SentryCheckOptions): Promise<CheckLine[]> {
  const sentry = service.sentry;
  if (!sentry) {
    return [
      warning(
        AREA,
        `${service.name} names no Sentry project: /prerelease refuses it, and new errors of a version are not watched during a soak`,
        `add sentry: { org, project, environment } to ${service.name} in the service catalog`,
      ),
    ];
  }
  if (!options.token) {
    return [failed(AREA, 'SENTRY_AUTH_TOKEN is not set, so no soak can read new errors and /prerelease is refused', `set SENTRY_AUTH_TOKEN to a Sentry auth token with the scopes ${SCOPES}`)];
  }
  const where = `${sentry.org}/${sentry.project} (environment ${sentry.environment})`;
  try {
    const errors = createSentryNewErrors({ baseUrl: options.baseUrl, token: options.token, fetch: options.fetch, clock: options.clock, timeoutMs: options.timeoutMs });
    const issues = await errors.newIssues(service, version);
    return [ok(AREA, `token reads ${where}: ${counted(issues.length, 'new issue')} of ${version}`)];
  } catch (error) {
    const detail = withoutSecrets(error instanceof Error ? error.message : String(error), [options.token]);
    if (!(error instanceof DependencyError)) return [failed(AREA, detail, 'run the check again; report the message if it persists')];
    return [lineFor(error, detail, sentry, options.baseUrl)];
  }
}

function lineFor(error: DependencyError, detail: string, sentry: NonNullable<ServiceConfig['sentry']>, baseUrl: string): CheckLine {
  switch (error.code) {
    case 'Unauthorized':
      return failed(AREA, detail, `set SENTRY_AUTH_TOKEN to a valid Sentry auth token (an organization token or an internal integration's) with the scopes ${SCOPES}`);
    case 'Forbidden':
      return failed(AREA, detail, `give the token the scopes ${SCOPES} in organization ${sentry.org}, or use a token of that organization`);
    case 'NotFound':
      return failed(AREA, detail, `check sentry.org ("${sentry.org}") and sentry.project ("${sentry.project}") in the service catalog: they are the slugs in the project's Sentry address`);
    case 'RateLimited': {
      const after = error.retryAt === undefined ? 'in a minute' : `after ${new Date(error.retryAt).toISOString()}`;
      return warning(AREA, detail, `run the check again ${after}; a soak waits as Sentry says, but a token shared with other tools may keep hitting the limit`);
    }
    case 'Unreachable':
    case 'Timeout':
      return failed(AREA, detail, `check SENTRY_URL (now ${baseUrl}) and that the bot can reach Sentry there`);
    case 'BadResponse':
      return failed(AREA, detail, `set SENTRY_URL (now ${baseUrl}) to Sentry's web address, e.g. https://sentry.io or your self-hosted base`);
    case 'ServerError':
      return failed(AREA, detail, 'Sentry failed to answer: run the check again, and see status.sentry.io (or your Sentry\'s log) if it persists');
    default:
      return failed(AREA, detail, `check sentry.environment ("${sentry.environment}") in the service catalog and SENTRY_URL (now ${baseUrl})`);
  }
}
