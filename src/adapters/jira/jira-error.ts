import { DependencyError } from '../../deploy/ports.js';
import type { TransportOutcome } from './status-keeping-transport.js';

/** A failed Jira call: a DependencyError('jira') that also keeps the HTTP status and Jira's own words. */
export class JiraError extends DependencyError {
  constructor(
    message: string,
    code: string,
    /** null when no HTTP answer came (network, timeout) or no request was made. */
    readonly status: number | null,
    /** What Jira said (its errorMessages and field errors, or a text answer), shortened. */
    readonly said: string | null,
    retryAt?: number,
  ) {
    super('jira', message, retryAt, code);
  }
}

export interface JiraErrorContext {
  origin: string;
  timeoutMs: number;
  auth: 'cloud' | 'pat';
  /** Removed from every message. */
  secrets: string[];
  now: () => number;
}

/** The JiraError an outcome amounts to, or null for a 2xx answer. `purpose` says what the bot was doing ("commenting on BOARD-7"). */
export function jiraErrorOf(outcome: TransportOutcome, purpose: string, context: JiraErrorContext): JiraError | null {
  const fail = (message: string, code: string, status: number | null, said: string | null = null, retryAt?: number) =>
    new JiraError(redact(message, context.secrets), code, status, said === null ? null : redact(said, context.secrets), retryAt);

  if (outcome.kind === 'failure') {
    return outcome.timedOut
      ? fail(`Jira at ${context.origin} did not answer within ${context.timeoutMs / 1000}s while ${purpose}`, 'Timeout', null)
      : fail(`cannot reach Jira at ${context.origin} while ${purpose}: ${outcome.cause}`, 'Unreachable', null);
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return null;
  const said = saidIn(outcome.body);
  const detail = `${status}${said ? `, Jira says: ${said}` : ''}`;
  if (status >= 300 && status < 400) {
    return fail(`Jira at ${context.origin} redirected the request to ${String(outcome.headers.location ?? 'another address')} while ${purpose}: set JIRA_URL to the address Jira answers at`, 'Redirected', status, said);
  }
  switch (status) {
    case 401:
      return fail(
        `Jira rejected the credentials while ${purpose} (${detail}): ${context.auth === 'pat' ? 'check JIRA_PAT' : 'check JIRA_EMAIL and JIRA_API_TOKEN (Atlassian API tokens expire)'}`,
        'Unauthorized',
        status,
        said,
      );
    case 403:
      return fail(`Jira refused access while ${purpose} (${detail}): the bot's Jira user lacks a permission there`, 'Forbidden', status, said);
    case 404:
      return fail(`Jira found nothing while ${purpose} (${detail})`, 'NotFound', status, said);
    case 410:
      return fail(`Jira no longer offers the API used for ${purpose} (${detail})`, 'Gone', status, said);
    case 429: {
      const retryAt = retryAtOf(outcome.headers['retry-after'], context.now());
      const when = retryAt === undefined ? '' : `; retry after ${new Date(retryAt).toISOString()}`;
      return fail(`Jira rate limit reached while ${purpose} (${detail})${when}`, 'RateLimited', status, said, retryAt);
    }
    default:
      return status >= 500
        ? fail(`Jira answered ${detail} while ${purpose}; that is usually temporary`, 'ServerError', status, said)
        : fail(`Jira refused ${purpose} (${detail})`, 'BadRequest', status, said);
  }
}

/** For a 2xx answer whose body is not the shape Jira documents. */
export function badAnswer(purpose: string, context: JiraErrorContext, problem: string): JiraError {
  return new JiraError(redact(`Jira answered unexpectedly while ${purpose}: ${problem}`, context.secrets), 'BadResponse', null, null);
}

/** Jira's `errorMessages` and field `errors`, Cloud's `{message}`, or a text/HTML answer, on one short line. */
function saidIn(body: unknown): string | null {
  let text: string;
  if (typeof body === 'string') {
    // An HTML page from a proxy says it best in its title.
    text = /<title>([^<]*)<\/title>/i.exec(body)?.[1] ?? body.replace(/<[^>]*>/g, ' ');
  } else if (body && typeof body === 'object') {
    const { errorMessages, errors, message } = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
    const parts = [
      ...(Array.isArray(errorMessages) ? errorMessages.map(String) : []),
      ...(errors && typeof errors === 'object' ? Object.entries(errors).map(([field, problem]) => `${field}: ${String(problem)}`) : []),
      ...(typeof message === 'string' ? [message] : []),
    ];
    text = parts.join('; ');
  } else {
    return null;
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? (flat.length > 200 ? `${flat.slice(0, 200)}…` : flat) : null;
}

/** Retry-After in seconds or as an HTTP date. */
function retryAtOf(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return now + seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
