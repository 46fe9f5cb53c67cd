import type { HookRequest } from './hook-request.js';
import { networkCause } from '../fetch-failure.js';
import { durationOf, excerptOf, isTimeout, scrub } from './http-answer.js';

export type ProbeAnswer =
  | { kind: 'answered'; status: number; allow: string | null; location: string | null; excerpt: string | null }
  | { kind: 'timeout'; after: string }
  | { kind: 'unreachable'; cause: string };

/**
 * `OPTIONS` on the drain hook's URL, the probe of the drain hook contract: the application checks
 * the auth header exactly as for a drain, answers 2xx and drains nobody. Sent to the same URL with
 * the same auth header as the drain (`withToken`), or without it, to see that the token is
 * required. Never throws: what came back, or why nothing did.
 */
export async function probeHook(request: HookRequest, withToken: boolean, fetchFn: typeof fetch = fetch): Promise<ProbeAnswer> {
  // Only the auth header carries the secret; content-type belongs to the drain's body, which a probe has not.
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name, value]) => name.toLowerCase() !== 'content-type' && (withToken || !carriesSecret(value, request.secret))),
  );
  let response: Response;
  try {
    response = await fetchFn(request.url, { method: 'OPTIONS', headers, redirect: 'manual', signal: AbortSignal.timeout(request.timeoutMs) });
  } catch (error) {
    if (isTimeout(error)) return { kind: 'timeout', after: durationOf(request.timeoutMs) };
    return { kind: 'unreachable', cause: networkCause(error) };
  }
  const excerpt = response.ok ? (await response.body?.cancel(), null) : await excerptOf(response);
  return {
    kind: 'answered',
    status: response.status,
    allow: response.headers.get('allow'),
    location: response.headers.get('location'),
    excerpt: excerpt === null ? null : scrub(excerpt, request.secret),
  };
}

function carriesSecret(value: string, secret: string | null): boolean {
  return secret !== null && value.includes(secret);
}
