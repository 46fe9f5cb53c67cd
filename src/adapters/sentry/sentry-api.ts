import { DependencyError, type Clock } from '../../deploy/ports.js';
import { networkCause } from '../fetch-failure.js';

export interface SentryApiOptions {
  /** e.g. https://sentry.io or a self-hosted base such as https://sentry.example.com/sentry */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  clock?: Clock;
  timeoutMs?: number;
}

export interface SentryResponse {
  body: unknown;
  headers: Headers;
}

/**
 * GET on Sentry's Web API (`/api/0/...`) with every failure turned into a DependencyError that
 * says what to do about it. `purpose` says what the caller was doing, for those messages
 * ("listing new issues of chat 1.2.0"). The token is never part of a message.
 */
export function createSentryApi(options: SentryApiOptions) {
  const fetchFn = options.fetch ?? fetch;
  const clock = options.clock ?? { now: Date.now };
  const timeoutMs = options.timeoutMs ?? 15_000;
  const apiBase = `${options.baseUrl.replace(/\/+$/, '')}/api/0`;
  const origin = new URL(options.baseUrl).origin;

  const fail = (message: string, code: string, retryAt?: number): DependencyError =>
    new DependencyError('sentry', options.token ? message.split(options.token).join('[redacted]') : message, retryAt, code);

  const request = async (url: string, purpose: string): Promise<Response> => {
    try {
      return await fetchFn(url, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkFailure(error, purpose);
    }
  };

  const networkFailure = (error: unknown, purpose: string): DependencyError => {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return fail(`Sentry at ${origin} did not answer within ${timeoutMs / 1000}s while ${purpose}`, 'Timeout');
    }
    return fail(`cannot reach Sentry at ${origin} while ${purpose}: ${networkCause(error)}`, 'Unreachable');
  };

  const statusFailure = async (response: Response, purpose: string): Promise<DependencyError> => {
    const said = await detailOf(response);
    const status = `${response.status}${said ? `, Sentry says: ${said}` : ''}`;
    switch (response.status) {
      case 401:
        return fail(`Sentry rejected the auth token while ${purpose} (${status}): check SENTRY_AUTH_TOKEN, it needs the event:read scope`, 'Unauthorized');
      case 403:
        return fail(`Sentry refused access while ${purpose} (${status}): the token needs the event:read scope (and project:read to look up a project slug) in this organization`, 'Forbidden');
      case 404:
        return fail(`Sentry found no such organization or project while ${purpose} (${status}): check sentry.org and sentry.project in the service catalog`, 'NotFound');
      case 429: {
        const retryAt = retryAtOf(response.headers, clock.now());
        const when = retryAt === undefined ? '' : `; retry after ${new Date(retryAt).toISOString()}`;
        return fail(`Sentry rate limit reached while ${purpose} (${status})${when}`, 'RateLimited', retryAt);
      }
      default:
        return response.status >= 500
          ? fail(`Sentry had a server error while ${purpose} (${status}); it is usually temporary`, 'ServerError')
          : fail(`Sentry refused the request while ${purpose} (${status})`, 'BadRequest');
    }
  };

  return {
    async get(path: string, params: URLSearchParams, purpose: string): Promise<SentryResponse> {
      const query = params.toString();
      const response = await request(`${apiBase}${path}${query ? `?${query}` : ''}`, purpose);
      if (!response.ok) throw await statusFailure(response, purpose);
      try {
        return { body: await response.json(), headers: response.headers };
      } catch (error) {
        if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw networkFailure(error, purpose);
        throw fail(`Sentry answered with something that is not JSON while ${purpose}`, 'BadResponse');
      }
    },

    /** For callers that find the JSON well-formed but not the shape they expected. */
    badResponse(problem: string, purpose: string): DependencyError {
      return fail(`Sentry answered unexpectedly while ${purpose}: ${problem}`, 'BadResponse');
    },
  };
}

export type SentryApi = ReturnType<typeof createSentryApi>;

/** Sentry's own reset time (epoch seconds) is exact; Retry-After (seconds or an HTTP date) is the fallback. */
function retryAtOf(headers: Headers, now: number): number | undefined {
  const reset = Number(headers.get('x-sentry-rate-limit-reset'));
  if (Number.isFinite(reset) && reset > 0) return reset * 1000;
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return now + seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : date;
}

async function detailOf(response: Response): Promise<string | null> {
  try {
    const text = await response.text();
    let detail: unknown = text;
    try {
      detail = (JSON.parse(text) as { detail?: unknown }).detail ?? text;
    } catch {
      // Not JSON: an HTML error page from a proxy is still worth a short quote.
    }
    const flat = String(detail).replace(/\s+/g, ' ').trim();
    return flat ? (flat.length > 200 ? `${flat.slice(0, 200)}…` : flat) : null;
  } catch {
    return null;
  }
}
