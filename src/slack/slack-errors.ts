import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { DependencyError } from '../deploy/ports.js';

/**
 * A failed Web API call as a DependencyError('slack') whose code is Slack's own (`not_in_channel`,
 * `invalid_auth`, `ratelimited`, …), so the bot decides in one place whether waiting can fix it.
 */
export function slackError(error: unknown, purpose: string, now = Date.now()): DependencyError {
  if (error instanceof DependencyError) return error;
  const e = error as Partial<WebAPICallError> & { data?: { error?: string }; retryAfter?: number; statusCode?: number; original?: { code?: string; cause?: { code?: string } } };
  switch (e.code) {
    case ErrorCode.PlatformError:
      return new DependencyError('slack', `Slack refused ${purpose}: ${e.data?.error}`, undefined, e.data?.error);
    case ErrorCode.RateLimitedError:
      return new DependencyError('slack', `Slack rate-limited ${purpose} for ${e.retryAfter}s`, now + (e.retryAfter ?? 1) * 1000, 'ratelimited');
    case ErrorCode.HTTPError:
      return new DependencyError('slack', `Slack answered HTTP ${e.statusCode} to ${purpose}`, undefined, `http_${e.statusCode}`);
    case ErrorCode.RequestError: {
      // web-api 8 calls through fetch, which hides the network's code (ECONNREFUSED, …) one level down.
      const network = e.original?.code ?? e.original?.cause?.code ?? 'request_error';
      return new DependencyError('slack', `Slack could not be reached for ${purpose} (${network})`, undefined, network);
    }
    default:
      return new DependencyError('slack', `${purpose} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
