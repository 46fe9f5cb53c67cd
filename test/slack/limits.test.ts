import { describe, expect, it } from 'vitest';
import { truncate } from '../../src/slack/limits.js';

describe('truncate', () => {
  it('leaves text within the limit alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts to exactly the limit and marks the cut', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });

  it('never splits an emoji in half', () => {
    const cut = truncate('ab🚀cd', 4);
    expect(cut).toBe('ab…');
  });
});
