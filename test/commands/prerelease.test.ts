import { describe, expect, it } from 'vitest';
import { parsePrerelease } from '../../commands/prerelease.js';

describe('/prerelease grammar', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['  HELP ', { kind: 'help' }],
    ['list', { kind: 'list' }],
    ['board 1.42.0', { kind: 'start', service: 'board', version: '1.42.0' }],
    ['Board   v1.42.0-rc.1', { kind: 'start', service: 'board', version: 'v1.42.0-rc.1' }],
  ])('reads %j', (text, expected) => {
    expect(parsePrerelease(text)).toEqual(expected);
  });

  it.each([
    ['board', /version is missing/],
    ['board 1.42.0 now', /Unexpected extra words: `now`/],
    ['board 1.42.0; rm -rf /', /characters a service name or version never has/],
    ['<!channel> 1.0.0', /characters a service name or version never has/],
    ['board `1.0`', /characters a service name or version never has/],
    ['board 1.0.0 <https://evil.example|click>', /characters/],
  ])('refuses %j, saying what would be valid', (text, problem) => {
    const parsed = parsePrerelease(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.problem).toMatch(problem);
    expect(parsed.valid).toContain('/prerelease <service> <version>');
    expect(parsed.problem).not.toMatch(/[<>]|rm -rf/);
  });
});
