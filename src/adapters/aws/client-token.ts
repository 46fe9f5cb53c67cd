import { createHash } from 'node:crypto';

const MAX_LENGTH = 64;

/**
 * RunInstances' idempotency token. Derived from the deploy and its step, so a bot that crashed
 * after launching and retries the step gets the same instances back instead of a second set.
 * EC2 takes at most 64 ASCII characters; longer or unusual input is hashed.
 */
export function clientToken(deployId: string, step: string, batch?: number): string {
  const plain = [deployId, step, ...(batch === undefined ? [] : [String(batch)])].join(':');
  if (plain.length <= MAX_LENGTH && /^[\x21-\x7e]+$/.test(plain)) return plain;
  return `rb-${createHash('sha256').update(plain).digest('hex').slice(0, MAX_LENGTH - 3)}`;
}
