import { DependencyError } from '../../deploy/ports.js';

interface SdkErrorShape {
  name?: string;
  message?: string;
  /** The code AWS sent on the wire (modelled ELBv2 errors rename `name`, e.g. TargetGroupNotFoundException). */
  Code?: string;
  /** Node's network error codes (ECONNREFUSED, …). */
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The AWS error code of a failed call: InvalidInstanceID.NotFound, TargetGroupNotFound, ECONNREFUSED, … */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SdkErrorShape;
  // Without an HTTP status AWS never answered, and Node's code (ECONNREFUSED, …) says why.
  return e.Code ?? (e.$metadata?.httpStatusCode === undefined ? (e.code ?? e.name) : e.name);
}

export function toDependencyError(action: string, err: unknown): DependencyError {
  if (err instanceof DependencyError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const code = awsErrorCode(err) ?? 'Unknown';
  const detail = e.message ?? String(err);
  const status = e.$metadata?.httpStatusCode;
  const message =
    status !== undefined
      ? `AWS ${action} failed with ${code} (HTTP ${status}): ${detail}`
      : `AWS ${action} failed before AWS answered (${code}): ${detail}`;
  return new DependencyError('aws', message, undefined, code, action);
}

/** Runs one SDK call (retries included) and reports any failure as a DependencyError naming the action. */
export async function callAws<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toDependencyError(action, err);
  }
}
