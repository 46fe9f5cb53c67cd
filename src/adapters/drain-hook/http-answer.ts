import { formatDuration } from '../../config/duration.js';

const EXCERPT_CHARS = 200;

/** The start of an answer's body on one line, for messages; null when there is none. */
export async function excerptOf(response: Response): Promise<string | null> {
  try {
    const flat = (await response.text()).replace(/\s+/g, ' ').trim();
    if (!flat) return null;
    return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
  } catch {
    return null;
  }
}

/** An application may echo the header it refused; the token must not travel on into a message. */
export function scrub(message: string, secret: string | null): string {
  return secret ? message.split(secret).join('[redacted]') : message;
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** Sub-second timeouts are said in milliseconds, where formatDuration would round them to "0s". */
export function durationOf(ms: number): string {
  return ms < 1000 ? `${ms}ms` : formatDuration(ms);
}
