import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, USERS, waitFor, type World } from '../support/world.js';

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

  it('refuses requests with a wrong signature, a missing one, or an old timestamp', async () => {
    const body = 'command=%2Fprerelease&text=board+1.1.0&user_id=U0DEPLOYER&channel_id=C0DEPLOYS1&team_id=T0SANDBOX1';
    const post = (headers: Record<string, string> | object) => fetch(world.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    const now = Math.floor(Date.now() / 1000);
    expect((await post({ 'x-slack-request-timestamp': String(now), 'x-slack-signature': 'v0=deadbeef' })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    const { signSlackRequest } = await import('../../src/sandbox/slack/signing.js');
    const stale = signSlackRequest('test-signing-secret-5f2a9c', body, now - 301);
    expect((await post(stale)).status).toBe(401);
    expect(world.emulator.requests.calls('DescribeImages')).toHaveLength(0);
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
