import type { ServerResponse } from 'node:http';

/** Trouble the fake can be told to cause on its next API requests (ingestion is never affected). */
export type ApiFault =
  | { kind: 'status'; status: number }
  | { kind: 'rateLimit'; resetAt: number; retryAfter?: number; limit: number }
  | { kind: 'hang' };

export function createFaultQueue(now: () => number) {
  const queue: ApiFault[] = [];
  const enqueue = (fault: ApiFault, times: number) => {
    for (let i = 0; i < times; i += 1) queue.push(fault);
  };

  return {
    /** Answers the next `times` API requests with this status (5xx by default). */
    failNext(times: number, status = 500): void {
      enqueue({ kind: 'status', status }, times);
    },

    /** Answers the next `times` API requests with 429; `resetAt` is epoch seconds, as Sentry sends it. */
    rateLimitNext(times: number, limit: { resetAt: number; retryAfter?: number; limit?: number }): void {
      enqueue({ kind: 'rateLimit', resetAt: limit.resetAt, retryAfter: limit.retryAfter, limit: limit.limit ?? 40 }, times);
    },

    /** Never answers the next `times` API requests (until the server closes), to exercise client timeouts. */
    hangNext(times: number): void {
      enqueue({ kind: 'hang' }, times);
    },

    /** Applies the next queued fault to the response; false when there is none. */
    apply(response: ServerResponse): boolean {
      const fault = queue.shift();
      if (!fault) return false;
      if (fault.kind === 'hang') return true;
      if (fault.kind === 'status') {
        response.writeHead(fault.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ detail: 'Internal Error' }));
        return true;
      }
      const retryAfter = fault.retryAfter ?? Math.max(1, Math.ceil(fault.resetAt - now() / 1000));
      response.writeHead(429, {
        'content-type': 'application/json',
        'x-sentry-rate-limit-limit': String(fault.limit),
        'x-sentry-rate-limit-remaining': '0',
        'x-sentry-rate-limit-reset': String(fault.resetAt),
        'retry-after': String(retryAfter),
      });
      response.end(JSON.stringify({ detail: `You are attempting to use this endpoint too frequently. Limit is ${fault.limit} requests in 1 seconds` }));
      return true;
    },
  };
}
