import { describe, expect, it } from 'vitest';
import { parseRelease } from '../../commands/release.js';

describe('/release grammar', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['status', { kind: 'status', service: undefined }],
    ['status board', { kind: 'status', service: 'board' }],
    ['history board', { kind: 'history', service: 'board' }],
    ['board', { kind: 'plan', service: 'board', version: undefined, reason: undefined, overrideWindow: false }],
    ['board 1.2.0', { kind: 'plan', service: 'board', version: '1.2.0', reason: undefined, overrideWindow: false }],
    ['board 1.2.0 --reason hotfix for INC-42', { kind: 'plan', service: 'board', version: '1.2.0', reason: 'hotfix for INC-42', overrideWindow: false }],
    ['board --override-window --reason incident <!channel> fix', { kind: 'plan', service: 'board', version: undefined, reason: 'incident <!channel> fix', overrideWindow: true }],
    ['board --reason weekend fix --override-window', { kind: 'plan', service: 'board', version: undefined, reason: 'weekend fix', overrideWindow: true }],
  ])('reads %j', (text, expected) => {
    expect(parseRelease(text)).toEqual(expected);
  });

  it.each([
    ['board 1.2.0 now', /Unexpected extra words/],
    ['board --force', /option does not exist/],
    ['board 1.2.0 --reason', /at least 3 characters/],
    ['board 1.2.0 --reason ' + 'x'.repeat(600), /longer than 500/],
    ['history', /Name the service/],
    ['status a b', /Unexpected extra words/],
    ['--reason because', /Name the service/],
    ['board; rm -rf /', /characters/],
    ['<@U123> 1.0.0', /characters/],
  ])('refuses %j with what would be valid', (text, problem) => {
    const parsed = parseRelease(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') {
      expect(parsed.problem).toMatch(problem);
      expect(parsed.valid).toContain('/release <service>');
    }
  });
});
