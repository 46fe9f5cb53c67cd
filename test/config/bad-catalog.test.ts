import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadCatalog, parseEnv } from '../../src/config/load.js';

const example = readFileSync(new URL('../../data/services.yml', import.meta.url), 'utf8');
const TG_ARN = 'expected a target group ARN such as arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-http/6d0ecf831eec9f09';

/** [mistake, the catalog with it, every problem reported: exact text, or a pattern]. */
const CATALOGS: [string, string, (string | RegExp)[]][] = [
  ['an empty file', '', ['the file is empty: it needs a `services:` map with one entry per service (data/services.yml is an example)']],
  ['a typo in the top-level key', example.replace('services:', 'service:'), ['services: missing: this key is required (record)', 'unknown key "service"']],
  ['services written as a list', 'services:\n  - board\n', [/^services: Invalid input: expected record, received array$/]],
  ['no service at all', 'services: {}\n', ['services: declare at least one service']],
  ['the same service twice', `${example}  board:\n    region: eu-west-1\n`, [/^YAML: Map keys must be unique at line 71, column 3/]],
  ['a tab as indentation', example.replace('    region: eu-west-1', '\tregion: eu-west-1'), [/^YAML: Tabs are not allowed as indentation at line 7, column 1/, '16 more YAML errors after this one, usually caused by it: fix it and check again']],
  ['a service name with capitals and underscores', example.replace('  board:\n', '  Board_1:\n'), ['services.Board_1: service names are lower-case letters, digits and dashes']],
  ['a misspelt required key', example.replace('region:', 'regoin:'), ['services.board.region: missing: this key is required (string)', 'services.board: unknown key "regoin"']],
  ['an unknown key deep inside', example.replace('timeout: 10s', 'timeout: 10s\n        retries: 3'), ['services.board.drain.hook: unknown key "retries"']],
  ['a word where a number belongs', example.replace('canaries: 1', 'canaries: two'), ['services.board.prerelease.canaries: Invalid input: expected number, received string']],
  ['no canary at all', example.replace('canaries: 1', 'canaries: 0'), [/^services\.board\.prerelease\.canaries: Too small: expected number to be >=1$/]],
  ['no target groups key', example.replace(/ {4}targetGroups:\n( {6}- .*\n)+/, ''), ['services.board.targetGroups: missing: this key is required (array)']],
  ['a target group as a plain string', example.replace(/targetGroups:\n( {6}- .*\n)+/, 'targetGroups: board-http\n'), ['services.board.targetGroups: Invalid input: expected array, received string']],
  ['a load balancer ARN where a target group belongs', example.replace('targetgroup/board-http/6d0ecf831eec9f09', 'loadbalancer/app/board/50dc6c495c0c9188'), [`services.board.targetGroups.0: ${TG_ARN}`]],
  ['a target group ARN cut short', example.replace('targetgroup/board-ws/8a4c3e2f1b0d9e7c', 'targetgroup/board-ws'), [`services.board.targetGroups.1: ${TG_ARN}`]],
  ['a duration without a unit', example.replace('minSoak: 4h', 'minSoak: 4'), ['services.board.prerelease.minSoak: expected a duration such as "4h" (units ms, s, m, h, d), got 4']],
  ['polling with no pause', example.replace('pollInterval: 1m', 'pollInterval: 0s'), ['services.board.prerelease.pollInterval: must be at least 100 ms, got "0s"']],
  ['a duration in words', example.replace('keepWarm: 30m', 'keepWarm: soon'), ['services.board.release.keepWarm: expected a duration such as "30m" (units ms, s, m, h, d), got "soon"']],
  ['a negative duration', example.replace('gate: { minBoards: 1, timeout: 10m', 'gate: { minBoards: 1, timeout: -10m'), [/^services\.board\.release\.gate\.timeout: expected a duration such as "10m" .*got "-10m"$/]],
  ['a drain hook URL without the server', example.replace('url: http://{privateIp}:8080/drain', 'url: http://board.internal/drain'), ['services.board.drain.hook.url: expected an http(s) URL template containing {privateIp}']],
  ['a hook secret named in lower case', example.replace('env: BOARD_DRAIN_TOKEN', 'env: board_token'), ['services.board.drain.hook.authHeader.env: expected an environment variable name such as BOARD_DRAIN_TOKEN']],
  ['a drop tolerance over 100 %', example.replace('totalDropTolerance: 0.1', 'totalDropTolerance: 1.5'), [/^services\.board\.drain\.totalDropTolerance: Too big: expected number to be <=1$/]],
  ['a freeze that ends before it starts', example.replace('{ from: 2026-12-21, to: 2027-01-04', '{ from: 2027-01-04, to: 2026-12-21'), ['services.board.windows.freezes.0.to: a freeze ends (to) before it starts (from)']],
  ['deploy hours without minutes', example.replace('hours: "00:00-24:00"', 'hours: "9-17"'), ['services.board.windows.hours: expected hours such as "09:00-16:00"']],
  ['a city for a time zone', example.replace('timezone: Europe/Berlin', 'timezone: Berlin'), ['services.board.windows.timezone: expected an IANA time zone such as Europe/Berlin or UTC']],
  ['a launch template by both id and name', example.replace('launchTemplate: { name: board,', 'launchTemplate: { id: lt-0abc123, name: board,'), ['services.board.launch.launchTemplate: give exactly one of id or name']],
  ['Sentry without its organisation', example.replace('sentry: { org: acme, project: board', 'sentry: { project: board'), ['services.board.sentry.org: missing: this key is required (string)']],
  ['a Jira project in lower case', example.replace('projects: [BOARD]', 'projects: [board]'), ['services.board.jira.projects.0: expected a Jira project key such as BOARD']],
  ['a channel name instead of its ID', example.replace('deployChannel: C0DEPLOYS1', 'deployChannel: "#deploys"'), ['services.board.slack.deployChannel: expected a channel ID such as C0123ABCD']],
  [
    'several mistakes at once',
    example.replace('region: eu-west-1', 'region: Ireland').replace('releaseChannel: C0RELEASE1', 'releaseChannel: releases'),
    ['services.board.region: expected an AWS region such as eu-west-1', 'services.board.slack.releaseChannel: expected a channel ID such as C0123ABCD'],
  ],
];

/** [mistake, environment, the problem reported]. */
const ENVS: [string, Record<string, string>, string][] = [
  ['a user token for the bot token', { SLACK_BOT_TOKEN: 'xoxp-1-2', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN: a bot token starts with xoxb-'],
  ['a bot token for the app token', { SLACK_APP_TOKEN: 'xoxb-1-2' }, 'SLACK_APP_TOKEN: an app-level token starts with xapp-'],
  ['a port in words', { PORT: 'eighty' }, 'PORT: expected a port number such as 3100'],
  ['a port out of range', { PORT: '70000' }, 'PORT: expected a port number such as 3100'],
  ['a Jira e-mail without its token', { JIRA_EMAIL: 'dana@example.com' }, 'JIRA_API_TOKEN: JIRA_EMAIL needs JIRA_API_TOKEN (Jira Cloud)'],
  ['a Jira URL without credentials', { JIRA_URL: 'https://jira.example.com' }, 'JIRA_URL: JIRA_URL needs JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center)'],
  ['an unknown log level', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"'],
  ['a Sentry URL without a scheme', { SENTRY_URL: 'sentry.io' }, 'SENTRY_URL: expected an absolute http(s) URL such as https://example.com'],
  ['Prometheus over FTP', { PROMETHEUS_URL: 'ftp://prometheus.internal' }, 'PROMETHEUS_URL: expected an absolute http(s) URL such as https://example.com'],
  ['a leader lease in words', { LEADER_LEASE: 'fifteen' }, 'LEADER_LEASE: expected a duration such as "15s" (units ms, s, m, h, d), got "fifteen"'],
  ['a leader lease too short to renew', { LEADER_LEASE: '200ms' }, 'LEADER_LEASE: must be at least 1 second, got "200ms"'],
];

function problemsOf(load: () => unknown): { source: string; problems: string[] } {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return { source: error.source, problems: error.problems };
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('a bad service catalog names the file, the key and what would be valid', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bad-catalog-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CATALOGS)('%s', async (_mistake, text, expected) => {
    const file = join(dir, 'services.yml');
    await writeFile(file, text);
    const error = await loadCatalog(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const { source, problems, message } = error as ConfigError;
    expect(source).toBe(file);
    expect(message.startsWith(`${file} is not valid:`)).toBe(true);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((want, n) => (typeof want === 'string' ? expect(problems[n]).toBe(want) : expect(problems[n]).toMatch(want)));
  });

  it('stops the bot before it opens its database or listens, saying which file and key are wrong', async () => {
    const file = join(dir, 'services.yml');
    await writeFile(file, example.replace('minSoak: 4h', 'minSoak: 4'));
    const dataDir = join(dir, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SERVICES_FILE: file, DATA_DIR: dataDir, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`${file} is not valid:`);
    expect(stderr).toContain('services.board.prerelease.minSoak: expected a duration such as "4h"');
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('a bad environment names the variable and what would be valid', () => {
  it.each(ENVS)('%s', (_mistake, env, expected) => {
    const { source, problems } = problemsOf(() => parseEnv(env));
    expect(source).toBe('the environment');
    expect(problems).toEqual([expected]);
  });
});
