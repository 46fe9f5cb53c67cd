import { describe, expect, it } from 'vitest';
import { parseRelease } from '../../commands/release.js';

describe('/release grammar', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['status', { kind: 'status', service: undefined }],
    ['status board', { kind: 'status', service: 'board' }],
    ['history board', { kind: 'history', service: 'board' }],
    ['board', { kind: 'plan', service: 'board', version: undefined, reason: undefined, overrideWindow: false, adoptFleet: false }],
    ['board 1.2.0', { kind: 'plan', service: 'board', version: '1.2.0', reason: undefined, overrideWindow: false, adoptFleet: false }],
    ['board 1.2.0 --reason hotfix for INC-42', { kind: 'plan', service: 'board', version: '1.2.0', reason: 'hotfix for INC-42', overrideWindow: false, adoptFleet: false }],
    ['board --override-window --reason incident <!channel> fix', { kind: 'plan', service: 'board', version: undefined, reason: 'incident <!channel> fix', overrideWindow: true, adoptFleet: false }],
    ['board --reason weekend fix --override-window', { kind: 'plan', service: 'board', version: undefined, reason: 'weekend fix', overrideWindow: true, adoptFleet: false }],
    ['board --adopt-fleet --reason first release with the bot', { kind: 'plan', service: 'board', version: undefined, reason: 'first release with the bot', overrideWindow: false, adoptFleet: true }],
    ['board 1.1.0 --reason fleet from before the bot --adopt-fleet', { kind: 'plan', service: 'board', version: '1.1.0', reason: 'fleet from before the bot', overrideWindow: false, adoptFleet: true }],
    ['check board', { kind: 'check', service: 'board' }],
    ['CHECK Board', { kind: 'check', service: 'board' }],
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
    ['board --adopt-fleet', /needs `--reason <why>`/],
    ['--adopt-fleet --reason first day', /Name the service/],
    ['check', /Name the service to check/],
    ['check board now', /Unexpected extra words/],
  ])('refuses %j with what would be valid', (text, problem) => {
    const parsed = parseRelease(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') {
      expect(parsed.problem).toMatch(problem);
      expect(parsed.valid).toContain('/release <service>');
    }
  });
});
