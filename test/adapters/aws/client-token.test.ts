import { describe, expect, it } from 'vitest';
import { clientToken } from '../../../src/adapters/aws/client-token.js';

describe('RunInstances client token', () => {
  it('reads as the deploy id and step when short enough', () => {
    expect(clientToken('pre-0042', 'launch-canaries')).toBe('pre-0042:launch-canaries');
    expect(clientToken('rel-7', 'launch-fleet', 1)).toBe('rel-7:launch-fleet:1');
  });

  it('hashes long or non-ASCII input into at most 64 ASCII characters, stably', () => {
    const long = clientToken('d'.repeat(60), 'launch-fleet');
    expect(long).toMatch(/^rb-[0-9a-f]{61}$/);
    expect(clientToken('d'.repeat(60), 'launch-fleet')).toBe(long);
    expect(clientToken('d'.repeat(60), 'launch-canaries')).not.toBe(long);
    expect(clientToken('déploy', 'étape')).toMatch(/^rb-[0-9a-f]{61}$/);
  });

  it('keeps batches of one step apart', () => {
    expect(clientToken('rel-7', 'launch-fleet', 0)).not.toBe(clientToken('rel-7', 'launch-fleet', 1));
  });
});
