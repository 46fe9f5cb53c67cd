import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_JIRA_USER } from '../../src/sandbox/jira/auth.js';
import type { ReceivedRequest } from '../../src/sandbox/slack/server.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { APPROVE_REASON_CALLBACK, REASON_ACTION, REASON_BLOCK } from '../../src/slack/blocks/reason-modal.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { wireForms } from '../support/wire-forms.js';
import { fastRelease, startWorld, USERS, waitFor, type World } from '../support/world.js';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

/** Which secrets, in which form, occur in `haystack`, named without repeating the secret itself. */
function leaks(haystack: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets).flatMap(([name, secret]) => wireForms(secret).flatMap((form, i) => (haystack.includes(form) ? [`${name} (form ${i})`] : [])));
}

/**
 * A request as the bot sent it, minus the Web API's own credential: the fake already leaves out the
 * Authorization header, and Bolt's auth.test also sends the token as a `token` form field.
 */
function withoutCredential(request: ReceivedRequest): string {
  const form = new URLSearchParams(request.body);
  const body = request.path.startsWith('/api/') && form.has('token') ? (form.delete('token'), form.toString()) : request.body;
  return `${request.path}\n${JSON.stringify(request.headers)}\n${body}`;
}

describe('secrets in the bot’s logs and in what Slack receives', () => {
  let world: World;
  const received: ReceivedRequest[] = [];

  beforeAll(async () => {
    // A soak long enough that approval needs a reason: the dialog is part of what Slack receives.
    world = await startWorld({ catalog: (yaml) => fastRelease(yaml).replace('minSoak: 3s', 'minSoak: 1h'), boards: { initialBoards: 30 }, jiraCloud: true });
    world.slack.onRequest((request) => received.push(request));
  });

  afterAll(async () => {
    await world.close();
  });

  it('stay out of a whole pre-release and release with failing dependencies and a restart, in every encoding', async () => {
    const { env } = world;
    const secrets: Record<string, string> = {
      'Slack bot token': env.SLACK_BOT_TOKEN,
      'Slack signing secret': env.SLACK_SIGNING_SECRET,
      'Sentry auth token': env.SENTRY_AUTH_TOKEN,
      'Jira API token': env.JIRA_API_TOKEN,
      'Jira Basic credential': Buffer.from(`${SANDBOX_JIRA_USER.email}:${env.JIRA_API_TOKEN}`).toString('base64'),
      'drain hook token': env.BOARD_DRAIN_TOKEN,
      'AWS secret access key': env.AWS_SECRET_ACCESS_KEY,
      'AWS session token': env.AWS_SESSION_TOKEN,
    };
    expect(Object.values(secrets).every((s) => typeof s === 'string' && s.length >= 16)).toBe(true);
    expect(world.secrets.filter((s) => !Object.values(secrets).includes(s))).toEqual([]);

    // Every dependency fails at least once, so the errors the bot logs and reports carry real requests.
    world.sentry.failNext(1, 401);
    world.sentry.failNext(2, 500);
    world.jira.failNext(500, { path: '/transitions', times: 1 });
    world.jira.failNext(401, { path: '/comment', times: 1 });
    // Three attempts per target group outlast the SDK's own retries: the step fails and the runner logs it.
    world.emulator.faults.add({ action: 'RegisterTargets', code: 'InternalError', times: 3 * world.catalog.services.board.targetGroups.length });
    world.slack.rateLimit('chat.postMessage', 1, 1);
    world.slack.rateLimit('chat.update', 2, 1);

    await world.startChild();
    await world.command(USERS.deployer, 'board 9.9.9');
    await world.command(USERS.deployer, 'board 1.1.0');
    const canary = await waitFor(() => world.parents().find((p) => text(p).includes(PRERELEASE_ACTIONS.approve)), 60_000, 'the canary to soak');

    // Killed and started again: what it logs while resuming counts too.
    await world.killChild();
    await world.startChild();

    await world.click(USERS.approver, canary, PRERELEASE_ACTIONS.approve);
    const modal = await waitFor(() => world.slack.workspace.views().at(-1), 10_000, 'the reason dialog');
    await world.submitView(USERS.approver, { id: modal.id, callback_id: APPROVE_REASON_CALLBACK, private_metadata: String(modal.view.private_metadata) }, {
      [REASON_BLOCK]: { [REASON_ACTION]: { type: 'plain_text_input', value: 'soaked enough for a drill' } },
    });
    await waitFor(() => world.parents().some((p) => p.ts === canary.ts && /approved/i.test(p.text)), 20_000, 'the approval');

    await world.command(USERS.approver, 'board', '/release');
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 30_000, 'the release plan');
    await world.click(USERS.approver, plan, RELEASE_ACTIONS.start);
    await waitFor(() => world.parents().some((p) => p.ts === plan.ts && /released/i.test(p.text)), 120_000, 'the release to finish');
    await waitFor(() => world.thread(plan).some((m) => m.text.startsWith('Jira:')), 20_000, 'the Jira outcome in the thread');

    const log = world.childLog();
    const slack = received.map(withoutCredential).join('\n');

    // What was inspected is the real thing: failures logged and told in the threads, every kind of Slack request seen.
    expect(log.match(/release bot started/g)).toHaveLength(2);
    expect(log).toMatch(/"level":"warn".*"msg":"step failed; it will be retried"/);
    expect(log).toContain('Slack rate-limited');
    expect(world.thread(canary).map(text).join('\n')).toContain('*Sentry:*');
    expect(world.thread(plan).map(text).join('\n')).toMatch(/Retry Jira/);
    const paths = new Set(received.map((r) => r.path.replace(/\/response\/.*/, '/response/…')));
    for (const path of ['/api/chat.postMessage', '/api/chat.update', '/api/views.open', '/response/…']) expect(paths).toContain(path);

    expect(leaks(log, secrets)).toEqual([]);
    expect(leaks(slack, secrets)).toEqual([]);
  });

  it('stay out of Socket Mode’s debug logs while Slack refuses to connect the app-level token', async () => {
    const appToken = 'xapp-1-A0RELBOT01-4242-socket-mode-app-token';
    const from = received.length;
    // The fake Slack has no apps.connections.open: the Socket Mode client fails, logs why and retries.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...world.env, SLACK_APP_TOKEN: appToken, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => (log.match(/Failed to retrieve a new WSS URL/g)?.length ?? 0) >= 2, 30_000, 'two failed Socket Mode connections');
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(received.slice(from).filter((r) => r.path === '/api/apps.connections.open').length).toBeGreaterThanOrEqual(2);
    expect(log).toMatch(/"level":"debug".*http request headers/);
    const secrets = { 'Slack app-level token': appToken, 'Slack bot token': world.env.SLACK_BOT_TOKEN };
    expect(leaks(log, secrets)).toEqual([]);
    expect(leaks(received.slice(from).map(withoutCredential).join('\n'), secrets)).toEqual([]);
  });
});
