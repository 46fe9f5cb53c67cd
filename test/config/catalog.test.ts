import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCatalog, parseEnv } from '../../src/config/load.js';

const example = readFileSync(new URL('../../data/services.yml', import.meta.url), 'utf8');

function problemsOf(text: string): string[] {
  try {
    parseCatalog(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the catalog was accepted');
}

describe('service catalog', () => {
  it('accepts the shipped example and fills in the defaults', () => {
    const board = parseCatalog(example).services.board;
    expect(board.name).toBe('board');
    expect(board.prerelease.minSoak).toBe(4 * 3600_000);
    expect(board.launch.launchTemplate.version).toBe('$Latest');
    expect(board.ami.versionTag).toBe('releaseVersion');
  });

  it('names the path of an unknown key', () => {
    expect(problemsOf(example.replace('canaries: 1', 'canaries: 1\n      canary: 2'))).toEqual(['services.board.prerelease: unknown key "canary"']);
  });

  it('names the path and the expected form of a wrong duration', () => {
    const [problem] = problemsOf(example.replace('minSoak: 4h', 'minSoak: four hours'));
    expect(problem).toMatch(/^services\.board\.prerelease\.minSoak: expected a duration such as "4h"/);
  });

  it('refuses a service without target groups', () => {
    const text = example.replace(/targetGroups:\n(\s+- .*\n)+/, 'targetGroups: []\n');
    expect(problemsOf(text)).toEqual(['services.board.targetGroups: a service needs at least one target group']);
  });

  it('refuses a malformed target group ARN and a wrong type', () => {
    const problems = problemsOf(example.replace('- arn:aws:elasticloadbalancing:eu-west-1', '- arn:aws:ec2:eu-west-1').replace('port: 8080', 'port: "eighty"'));
    expect(problems.some((p) => p.startsWith('services.board.targetGroups.0: expected a target group ARN such as arn:aws:elasticloadbalancing:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('services.board.port:'))).toBe(true);
  });

  it('reports YAML syntax errors instead of a stack trace', () => {
    expect(problemsOf('services:\n  board: [unclosed')[0]).toMatch(/^YAML: /);
  });

  it('refuses duplicate keys, which YAML would otherwise silently merge', () => {
    expect(problemsOf(example.replace('  board:\n', '  board:\n    region: eu-west-1\n'))[0]).toMatch(/^YAML: /);
  });

  it('refuses slack principals that are not user or group IDs', () => {
    expect(problemsOf(example.replace('deploy: [S0DEPLOYERS]', 'deploy: ["@ana"]'))).toEqual([
      'services.board.access.deploy.0: expected a Slack user ID (U…/W…) or user group ID (S…)',
    ]);
  });
});

describe('environment', () => {
  it('defaults the catalog and data paths', () => {
    const env = parseEnv({});
    expect(env.SERVICES_FILE).toBe('data/services.yml');
    expect(env.DATA_DIR).toBe('data');
    expect(env.SENTRY_URL).toBe('https://sentry.io');
    expect(env.LEADER_LEASE).toBe(15_000);
    expect(parseEnv({ LEADER_LEASE: '2s' }).LEADER_LEASE).toBe(2_000);
  });

  it('needs an app token or a signing secret next to a bot token', () => {
    expect(() => parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_APP_TOKEN: set SLACK_APP_TOKEN/);
  });

  it('names a malformed endpoint override', () => {
    expect(() => parseEnv({ AWS_ENDPOINT_URL_EC2: 'localhost:4566' })).toThrow(/AWS_ENDPOINT_URL_EC2: expected an absolute http\(s\) URL/);
  });
});
