import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { SANDBOX_JIRA_USER } from '../../src/sandbox/jira/auth.js';
import { startFakeJira, type FakeJira } from '../../src/sandbox/jira/fake-jira.js';
import { renameTransition, SOFTWARE_WORKFLOW } from '../../src/sandbox/jira/workflows.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/run/start-sandbox.js';
import { locatePrometheusBinary } from '../support/prometheus-binary.js';

/**
 * `npm run preflight -- board` as an operator runs it, against the whole sandbox (AWS under the
 * README's IAM policy, board servers, Prometheus, Sentry, Jira, Slack), then against broken
 * variants of it: each failure must be named with its fix, and nothing may change.
 */
const prometheus = locatePrometheusBinary();

interface Run {
  code: number | null;
  out: string;
}

describe('the pre-flight check against the sandbox', () => {
  let dir: string;
  let sandbox: Sandbox;
  let jiraWithoutDone: FakeJira;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'release-bot-preflight-'));
    sandbox = await startSandbox({ dataDir: dir, fleetSize: 2, ipBlock: 124, bootDelayMs: 1_000, standInPrometheus: prometheus.skip, logger: createLogger({ level: 'silent', secrets: [] }) });
    jiraWithoutDone = await startFakeJira({ workflows: { BOARD: renameTransition(SOFTWARE_WORKFLOW, 'Done', 'Close') } });
  }, 120_000);

  afterAll(async () => {
    await jiraWithoutDone?.close();
    await sandbox?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The CLI in its own process with the bot's environment, changed as the variant needs. */
  function preflight(env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/preflight/main.ts', 'board'], {
        cwd: new URL('../../', import.meta.url).pathname,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...sandbox.botEnv, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, out }));
    });
  }

  /** The report's lines for an area, each with its fix line when there is one, failures first. */
  const line = (run: Run, area: string) => {
    const lines = run.out.split('\n');
    const found = lines.flatMap((l, at) => (new RegExp(`^  \\S+\\s+${area}\\s`).test(l) ? [[l, ...(lines[at + 1]?.trim().startsWith('fix:') ? [lines[at + 1]] : [])].join('\n')] : []));
    return found.sort((a, b) => Number(b.startsWith('  FAILED')) - Number(a.startsWith('  FAILED'))).join('\n');
  };
  const mutations = () => sandbox.emulator.requests.all().filter((c) => c.status === 200 && !/^Describe/.test(c.action)).length;

  it('passes on the sandbox as it starts, every line ok, and changes nothing', async () => {
    const before = mutations();
    // Prometheus finds the board servers through file discovery: a few seconds after they boot.
    let run = await preflight();
    for (let attempt = 0; attempt < 8 && line(run, 'Prometheus').startsWith('  FAILED'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      run = await preflight();
    }
    expect(run.out).toMatch(/^Pre-flight check of board: all \d+ checks ok$/m);
    expect(run.code).toBe(0);
    for (const area of ['Credentials', 'Fleet', 'Launching', 'Retiring', 'Target groups', 'Prometheus', 'Drain hook', 'Sentry', 'Jira', 'Slack']) {
      expect(line(run, area)).toMatch(/^ {2}ok/);
      expect(line(run, area)).not.toMatch(/FAILED|WARNING/);
    }
    expect(line(run, 'Launching')).toContain('would go through (DryRun)');
    expect(mutations()).toBe(before);
    expect([...new Set(sandbox.emulator.requests.all().filter((c) => c.errorCode === 'DryRunOperation').map((c) => c.action))].sort()).toEqual(['RunInstances', 'TerminateInstances']);
    expect(run.out).not.toContain(sandbox.botEnv.AWS_SECRET_ACCESS_KEY);
    expect(run.out).not.toContain(sandbox.botEnv.BOARD_DRAIN_TOKEN);
  });

  it('names a target group without the bot\'s tag, with the add-tags command', async () => {
    const [arn] = sandbox.service.targetGroups;
    sandbox.emulator.state.elb.removeTags([arn], ['release-bot:managed-by']);
    try {
      const run = await preflight();
      expect(run.code).toBe(1);
      expect(line(run, 'Target groups')).toContain('board-http is not tagged release-bot:managed-by=release-bot');
      expect(line(run, 'Target groups')).toContain(`fix: aws elbv2 add-tags --region eu-west-1 --resource-arns ${arn} --tags Key=release-bot:managed-by,Value=release-bot`);
    } finally {
      sandbox.emulator.state.elb.addTags([arn], { 'release-bot:managed-by': 'release-bot' });
    }
  });

  it('names a board query that finds no series for the fleet, with the catalog key to fix', async () => {
    const catalog = join(dir, 'no-series.yml');
    await writeFile(catalog, (await readFile(sandbox.botEnv.SERVICES_FILE, 'utf8')).replace(/instanceValue: "\{privateIp\}:\d+"/, 'instanceValue: "{privateIp}:9100"'));
    const run = await preflight({ SERVICES_FILE: catalog });
    expect(run.code).toBe(1);
    expect(line(run, 'Prometheus')).toMatch(/FAILED.*instance="127\.124\.[\d.]+:9100"/);
    expect(line(run, 'Prometheus')).toContain('prometheus.instanceValue');
  });

  it('names a drain hook that refuses the token, with the variable to check', async () => {
    const run = await preflight({ BOARD_DRAIN_TOKEN: 'not-the-token' });
    expect(run.code).toBe(1);
    expect(line(run, 'Drain hook')).toMatch(/FAILED.*401/);
    expect(line(run, 'Drain hook')).toContain('BOARD_DRAIN_TOKEN');
    expect(run.out).not.toContain('not-the-token');
  });

  it('names a Jira project whose issues offer no done transition, with the transitions offered', async () => {
    const run = await preflight({ JIRA_URL: jiraWithoutDone.url, JIRA_PAT: SANDBOX_JIRA_USER.pat });
    expect(run.code).toBe(1);
    expect(line(run, 'Jira')).toMatch(/FAILED.*"Close"/);
    expect(line(run, 'Jira')).toMatch(/fix:.*jira\.doneTransition/);
  });

  it('names a channel the bot is not in, with the /invite to type', async () => {
    sandbox.slack.workspace.setBotMember('C0RELEASE1', false);
    try {
      const run = await preflight();
      expect(run.code).toBe(1);
      expect(line(run, 'Slack')).toMatch(/FAILED.*C0RELEASE1/);
      expect(line(run, 'Slack')).toContain('/invite @');
    } finally {
      sandbox.slack.workspace.setBotMember('C0RELEASE1', true);
    }
  });
});
