import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_FORM_CONTENT_TYPE, signSlackRequest, slashCommandBody } from '../../src/sandbox/slack/signing.js';
import { DEPLOY_CHANNEL, startWorld, USERS, waitFor, type World } from '../support/world.js';

describe('the bot in operation', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.startInProcess();
  });

  afterAll(async () => {
    await world.close();
  });

  const base = () => world.url.replace('/slack/events', '');

  it('answers /healthz with its state', async () => {
    const res = await fetch(`${base()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, unfinishedDeploys: 0 });
  });

  it('exposes ack latency, deploys and failures on /metrics in Prometheus format', async () => {
    await world.command(USERS.deployer, 'help');
    await waitFor(() => world.ephemeralTexts(USERS.deployer).length > 0, 5_000, 'the help answer');
    const res = await fetch(`${base()}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/release_bot_ack_latency_seconds_count\{type="command"\} 1/);
    expect(text).toContain('# TYPE release_bot_deploys_total counter');
    expect(text).toContain('# TYPE release_bot_external_call_failures_total counter');
    expect(text).toContain('process_resident_memory_bytes');
  });

  describe('a slash command whose signature does not hold', () => {
    // A command that, once accepted, reads AWS and answers in Slack: anything it changes shows.
    const request = () => {
      const now = Math.floor(Date.now() / 1000);
      const body = slashCommandBody({
        command: '/prerelease',
        text: 'board 9.9.9',
        user_id: USERS.deployer,
        user_name: 'dana',
        channel_id: DEPLOY_CHANNEL,
        team_id: 'T0SANDBOX1',
        response_url: world.slack.createResponseUrl({ user: USERS.deployer, channel: DEPLOY_CHANNEL }),
        trigger_id: `${Date.now()}.trigger`,
      });
      return { now, body, signed: signSlackRequest(world.env.SLACK_SIGNING_SECRET, body, now) };
    };
    const post = (body: string, headers: Record<string, string>) => fetch(world.url, { method: 'POST', headers: { 'Content-Type': SLACK_FORM_CONTENT_TYPE, ...headers }, body });
    const traces = () => ({
      aws: world.emulator.requests.all().length,
      slackCalls: world.slack.workspace.calls().length,
      answers: world.ephemeralTexts(USERS.deployer).length,
      messages: world.parents().length,
    });

    const refusals: [string, (r: ReturnType<typeof request>) => Record<string, string>][] = [
      ['a wrong signature', (r) => ({ ...r.signed, 'X-Slack-Signature': signSlackRequest('not-the-signing-secret', r.body, r.now)['X-Slack-Signature'] })],
      ['a signature of a different body', (r) => ({ ...signSlackRequest(world.env.SLACK_SIGNING_SECRET, r.body.replace('9.9.9', '1.1.0'), r.now) })],
      ['no signature', (r) => ({ 'X-Slack-Request-Timestamp': r.signed['X-Slack-Request-Timestamp'] })],
      ['no timestamp', (r) => ({ 'X-Slack-Signature': r.signed['X-Slack-Signature'] })],
      ['a correct signature over a timestamp older than five minutes', (r) => ({ ...signSlackRequest(world.env.SLACK_SIGNING_SECRET, r.body, r.now - 5 * 60 - 1) })],
    ];

    it.each(refusals)('is refused with 401 for %s and changes nothing', async (_, headers) => {
      const before = traces();
      const r = request();
      expect((await post(r.body, headers(r))).status).toBe(401);
      // Long enough for an accepted command to have read AWS and answered.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(traces()).toEqual(before);
    });

    it('is acted on when the same request is signed correctly (the checks above can see a change)', async () => {
      const before = traces();
      const r = request();
      expect((await post(r.body, { ...r.signed })).status).toBe(200);
      await waitFor(() => world.ephemeralTexts(USERS.deployer).length > before.answers, 10_000, 'the answer');
      expect(world.ephemeralTexts(USERS.deployer).at(-1)).toContain('9.9.9');
      expect(traces().aws).toBeGreaterThan(before.aws);
    });
  });
});

describe('npm start without Slack credentials', () => {
  it('brings up the sandbox, prints one line with the console address, and stops everything on Ctrl-C', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'release-bot-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SANDBOX_DATA_DIR: dataDir, CONSOLE_PORT: '0', SANDBOX_FLEET_SIZE: '1', SANDBOX_SESSIONS_PER_SERVER: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await waitFor(() => /open (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1], 90_000, 'the console line');
      expect(stdout.trim().split('\n').filter((l) => l && !l.startsWith('>'))).toHaveLength(1);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('names the bad key when the environment is wrong', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SERVICES_FILE: '/nonexistent/services.yml' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('/nonexistent/services.yml is not valid');
    expect(stderr).toContain('SERVICES_FILE');
  });
});
