import { DependencyError, type DrainHook } from '../../deploy/ports.js';
import { hookRequest, type HookRequest } from './hook-request.js';
import { networkCause } from '../fetch-failure.js';
import { durationOf, excerptOf, isTimeout, scrub } from './http-answer.js';

export interface HttpDrainHookOptions {
  /** Where the auth header's variable is read, at each call (a token rotated in the environment is picked up). */
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

/**
 * Sends the service's drain hook over HTTP.
 *
 * The contract an application implements to be drained by the bot:
 *
 * - **Request.** `drain.hook.method` (default `POST`) to `drain.hook.url`, with `{privateIp}` and
 *   `{instanceId}` replaced by the old server's private IP and EC2 instance ID, e.g.
 *   `POST http://10.0.1.23:8080/drain`. POST and PUT carry a JSON body
 *   `{"service": "board", "instanceId": "i-0abc…"}`, which the application may ignore.
 * - **Auth.** With `drain.hook.authHeader` set, the header `name` carries `prefix` followed by the
 *   value of the environment variable `env`, e.g. `Authorization: Bearer <BOARD_DRAIN_TOKEN>`. The
 *   application should refuse requests without it (401 or 403). The bot never logs the value.
 * - **Answer.** Any 2xx within `drain.hook.timeout` (default 10s) means "I have told my clients to
 *   reconnect elsewhere". Answer once the reconnect has been sent, not once the last client has
 *   left: the bot confirms the drain itself by watching the server's board count fall to
 *   `drain.residual` on two consecutive reads. Redirects are not followed (the auth header must
 *   not travel elsewhere); any other status is a failure, reported in the release thread with the
 *   first 200 characters of the body.
 * - **Idempotent.** The hook may be called more than once for the same server: again when the
 *   server has not drained within `drain.serverTimeout`, or after the bot restarted mid-call. A
 *   repeated call tells the clients still connected to reconnect and is otherwise harmless.
 */
export function createHttpDrainHook(options: HttpDrainHookOptions): DrainHook {
  const fetchFn = options.fetch ?? fetch;
  return {
    async drain(service, instance) {
      const request = hookRequest(service, instance, options.env);
      const target = `${request.method} ${request.url}`;
      const fail = (message: string, code: string) => new DependencyError('drain', scrub(`drain hook of ${instance.instanceId} (${target}) ${message}`, request.secret), undefined, code);

      let response: Response;
      try {
        response = await fetchFn(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(request.timeoutMs),
        });
      } catch (error) {
        if (isTimeout(error)) throw fail(`timed out after ${durationOf(request.timeoutMs)}`, 'Timeout');
        const cause = networkCause(error);
        const hint = cause === 'ECONNREFUSED' ? 'connection refused; is the application listening there?' : cause;
        throw fail(`could not be reached: ${hint}`, 'Unreachable');
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      throw fail(await statusProblem(response, request), response.status === 401 || response.status === 403 ? 'Unauthorized' : 'BadStatus');
    },
  };
}

async function statusProblem(response: Response, request: HookRequest): Promise<string> {
  const excerpt = await excerptOf(response);
  const said = excerpt ? `: ${excerpt}` : '';
  if ((response.status === 401 || response.status === 403) && request.secretEnv) {
    return `answered ${response.status}${said}; check ${request.secretEnv}`;
  }
  if (response.status >= 300 && response.status < 400) {
    return `answered ${response.status} to ${response.headers.get('location') ?? 'nowhere'}; redirects are not followed`;
  }
  return `answered ${response.status}${said}`;
}
