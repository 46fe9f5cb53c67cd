import { DependencyError } from '../../deploy/ports.js';
import { networkCause } from '../fetch-failure.js';
import { readQueryAnswer, type Sample } from './query-response.js';

export interface InstantQueryOptions {
  /** Prometheus HTTP API base, e.g. http://prometheus:9090 or a path behind a proxy. */
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type InstantQuery = (promql: string, purpose: string) => Promise<Sample[]>;

/**
 * The DependencyError's code: whether the address (Unreachable, Timeout, NotPrometheus), the PromQL
 * (BadQuery: Prometheus's 400 bad_data and 422 execution) or Prometheus itself (ServerError) is
 * to blame, so that a caller can name the setting to fix.
 */
export type PrometheusFailure = 'Unreachable' | 'Timeout' | 'BadQuery' | 'ServerError' | 'NotPrometheus';

/**
 * Evaluates PromQL at "now" through `POST /api/v1/query` (a form body keeps long instance
 * alternations out of URL length limits). Every failure throws a DependencyError saying which
 * query (`purpose`) failed and how.
 */
export function createInstantQuery(options: InstantQueryOptions): InstantQuery {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/api/v1/query`;
  const origin = new URL(options.baseUrl).origin;

  const fail = (purpose: string, message: string, code: PrometheusFailure) => new DependencyError('prometheus', `${message} (${purpose})`, undefined, code);

  const unreachable = (purpose: string, error: unknown): DependencyError =>
    error instanceof Error && error.name === 'TimeoutError'
      ? fail(purpose, `Prometheus at ${origin} did not answer within ${timeoutMs / 1000}s`, 'Timeout')
      : fail(purpose, `cannot reach Prometheus at ${origin} (${networkCause(error)})`, 'Unreachable');

  return async (promql, purpose) => {
    let status: number;
    let text: string;
    try {
      const response = await fetchFn(endpoint, {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: new URLSearchParams({ query: promql }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw unreachable(purpose, error);
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw fail(purpose, `Prometheus answered HTTP ${status} with something that is not JSON: ${quote(text)}`, failureOf(status));
    }
    const answer = readQueryAnswer(body);
    if (!answer.ok) {
      // A success that is no instant vector (a range vector, a scalar) is the PromQL's doing.
      const code = status === 200 && (body as { status?: unknown } | null)?.status === 'success' ? 'BadQuery' : failureOf(status);
      throw fail(purpose, `Prometheus answered HTTP ${status}, ${clip(answer.problem)}`, code);
    }
    // A success body under an error status is not to be trusted either.
    if (status !== 200) throw fail(purpose, `Prometheus answered HTTP ${status}`, failureOf(status));
    return answer.samples;
  };
}

function failureOf(status: number): PrometheusFailure {
  if (status === 400 || status === 422) return 'BadQuery';
  // 200 belongs here too: a body that is no Prometheus answer comes from something else at that address.
  return status >= 500 ? 'ServerError' : 'NotPrometheus';
}

/** The reason ends up in Slack threads: an HTML page or a huge parse error is cut short. */
function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function quote(text: string): string {
  const clipped = clip(text);
  return clipped ? JSON.stringify(clipped) : '(an empty body)';
}
