import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot, type RunningBot } from '../../src/bot.js';
import type { Catalog } from '../../src/config/catalog.js';
import { parseCatalog, parseEnv } from '../../src/config/load.js';
import { AwsEmulator } from '../../src/sandbox/aws/emulator.js';
import { readmePolicy } from '../../src/sandbox/aws/readme-policy.js';
import { seedService } from '../../src/sandbox/aws/seed.js';
import { createSampleRepo } from '../../src/sandbox/git/sample-repo.js';
import { SANDBOX_JIRA_USER } from '../../src/sandbox/jira/auth.js';
import { startFakeJira } from '../../src/sandbox/jira/fake-jira.js';
import { startFakePrometheus } from '../../src/sandbox/prometheus/fake-prometheus.js';
import { startFakeSentry, type FakeSentry } from '../../src/sandbox/sentry/fake-sentry.js';
import { blockActionsBody, sendSigned, slashCommandBody, viewSubmissionBody } from '../../src/sandbox/slack/signing.js';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack/server.js';
import type { FakeMessage } from '../../src/sandbox/slack/workspace.js';
import { freePort } from '../../src/util/free-port.js';
import { startBoardSim } from './board-sim.js';
import { startPrometheus } from './prometheus-binary.js';

export const USERS = { deployer: 'U0DEPLOYER', approver: 'U0APPROVER', outsider: 'U0OUTSIDER' } as const;
export const DEPLOY_CHANNEL = 'C0DEPLOYS1';
const BOT_TOKEN = 'xoxb-test-4242-secret-bot-token';
const SIGNING_SECRET = 'test-signing-secret-5f2a9c';
const SENTRY_TOKEN = 'sntrys-test-token-77e1';

export interface WorldOptions {
  /** Rewrites the shipped catalog before it is parsed (shorter soaks for tests). */
  catalog?: (yaml: string) => string;
  /** Simulated board servers behind every instance and a Prometheus stand-in scraping them. */
  boards?: { initialBoards: number; movePerTick?: number };
  /** Path of the real Prometheus binary to scrape the simulated servers; the stand-in otherwise. */
  realPrometheus?: string;
  /** Jira Cloud (email + API token, Basic auth) instead of Data Center (a personal access token). */
  jiraCloud?: boolean;
  /** The serving fleet carries the catalog's fleet tags only, as a fleet launched before the bot does. */
  unmanagedFleet?: boolean;
}

const APP_PORT = 19180;
/** The name of the bot process `startChild` starts on the world's PORT. */
const CHILD = 'bot';

/** A bot started as its own process, as `npm start` would start it; several may share the world's DATA_DIR. */
export interface BotProcess {
  name: string;
  port: number;
  /** Where Slack sends this process's commands and clicks. */
  url: string;
  log(): string;
  /** What /healthz answers, or null while it does not. */
  health(): Promise<{ role?: string; holder?: string; leader?: string | null; [key: string]: unknown } | null>;
  /** SIGKILL, sent before this returns: no shutdown code runs, exactly like a crash. */
  crash(): void;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful stop, as a rolling restart sends it), resolved with the exit code. */
  terminate(): Promise<number | null>;
}

/** A release that runs in seconds: short gate and timeouts, no window, no keep-warm. */
export function fastRelease(yaml: string): string {
  return fastSoak(yaml)
    .replace(/ {4}windows:\n( {6}.*\n)+/, '')
    .replace('url: http://{privateIp}:8080/drain', `url: http://{privateIp}:${APP_PORT}/drain`)
    .replace('instanceValue: "{privateIp}:9100"', `instanceValue: "{privateIp}:${APP_PORT}"`)
    .replace('gate: { minBoards: 1, timeout: 10m, observe: 30s }', 'gate: { minBoards: 2, timeout: 30s, observe: 1s }')
    .replace('keepWarm: 30m', 'keepWarm: 0s')
    .replace('serverTimeout: 10m', 'serverTimeout: 20s')
    .replace('maxBoardsPerWave: 300', 'maxBoardsPerWave: 60')
    .replace('pollInterval: 5s', 'pollInterval: 300ms');
}


export function fastSoak(yaml: string): string {
  return yaml
    .replace('minSoak: 4h', 'minSoak: 3s')
    .replace('pollInterval: 1m', 'pollInterval: 300ms')
    .replace('extendBy: 1h', 'extendBy: 2s');
}

/**
 * Everything the bot talks to, on 127.0.0.1, speaking the real wire formats: the AWS Query
 * emulator seeded with the catalog's account, fake Sentry, fake Slack and a sample git repo.
 * The bot runs either in this process or as a child process that a test can kill.
 */
export async function startWorld(options: WorldOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'release-bot-world-'));
  const commits = await createSampleRepo(join(dir, 'board.git'));
  const shipped = await readFile(new URL('../../data/services.yml', import.meta.url), 'utf8');
  const yaml = (options.catalog ?? fastSoak)(shipped).replace('repo: data/sandbox/board.git', `repo: ${join(dir, 'board.git')}`);
  const servicesFile = join(dir, 'services.yml');
  await writeFile(servicesFile, yaml);
  const catalog: Catalog = parseCatalog(yaml);

  // Each world gets its own loopback block, so simulated servers of parallel test files never collide.
  const block = 20 + Math.floor(Math.random() * 200);
  const emulator = new AwsEmulator({
    // The README's IAM policy, enforced: the bot gets exactly the permissions operators are told to give it.
    iam: { policy: readmePolicy() },
    bootDelayMs: 300,
    shutdownDelayMs: 100,
    health: { delayMs: 200, intervalMs: 200 },
    privateIp: (n) => `127.${block}.${Math.floor(n / 250)}.${(n % 250) + 1}`,
  });
  seedService(emulator.state, catalog.services.board, {
    versions: ['1.0.0', '1.1.0', '1.2.0'].map((version) => ({ version, commit: commits[version] })),
    fleet: { version: '1.0.0', count: 2, launchedByBot: !options.unmanagedFleet },
    deregistrationDelaySeconds: 0,
  });
  const aws = await emulator.listen();
  const sentry: FakeSentry = await startFakeSentry({ token: SENTRY_TOKEN, org: 'acme', projects: [{ id: '1', slug: 'board' }] });
  const slack: FakeSlack = await startFakeSlack({
    token: BOT_TOKEN,
    channels: [
      { id: DEPLOY_CHANNEL, name: 'deploys' },
      { id: 'C0RELEASE1', name: 'releases' },
    ],
    users: [
      { id: USERS.deployer, name: 'dana' },
      { id: USERS.approver, name: 'alex' },
      { id: USERS.outsider, name: 'olli' },
    ],
    usergroups: { S0DEPLOYERS: [USERS.deployer], S0APPROVERS: [USERS.approver] },
  });
  const jira = await startFakeJira();
  const drainToken = 'drain-token-for-tests-91c2';
  const sim = options.boards ? await startBoardSim(emulator, { port: APP_PORT, ...options.boards, token: drainToken }) : null;
  const prometheus = sim && !options.realPrometheus ? await startFakePrometheus({ scrapeIntervalMs: 200, jobName: 'board' }) : null;
  const realPrometheus = sim && options.realPrometheus ? await startPrometheus({ binary: options.realPrometheus, jobName: 'board', scrapeInterval: '500ms' }) : null;
  let lastTargets = '';
  const retarget = sim
    ? setInterval(() => {
        const groups = [{ targets: sim.targets(), labels: {} }];
        if (JSON.stringify(groups) === lastTargets) return;
        lastTargets = JSON.stringify(groups);
        prometheus?.setTargets(groups);
        void realPrometheus?.writeTargets(groups);
      }, 100)
    : null;
  const prometheusUrl = prometheus?.url ?? realPrometheus?.url;
  const port = await freePort();
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    PORT: String(port),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret-access-key',
    AWS_SESSION_TOKEN: 'test-aws-session-token-IQoJb3Jp',
    AWS_ENDPOINT_URL_EC2: aws.url,
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: aws.url,
    SENTRY_URL: sentry.url,
    SENTRY_AUTH_TOKEN: SENTRY_TOKEN,
    JIRA_URL: jira.url,
    ...(options.jiraCloud ? { JIRA_EMAIL: SANDBOX_JIRA_USER.email, JIRA_API_TOKEN: SANDBOX_JIRA_USER.apiToken } : { JIRA_PAT: SANDBOX_JIRA_USER.pat }),
    SERVICES_FILE: servicesFile,
    ...(prometheusUrl ? { PROMETHEUS_URL: prometheusUrl, BOARD_DRAIN_TOKEN: drainToken } : {}),
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'warn',
    // A bot restarted after a crash waits out its predecessor's lease; a short one keeps restarts quick.
    LEADER_LEASE: '3s',
  };
  const url = `http://127.0.0.1:${port}/slack/events`;
  let inProcess: RunningBot | null = null;
  const children = new Map<string, BotProcess>();
  let childLog = '';

  /**
   * Spawns `src/main.ts` with the world's environment and `extraEnv`, and waits for /healthz. The
   * process is known by `name` before it answers, so a crash switch can kill it while it starts.
   */
  async function startProcess(name: string, botPort: number, extraEnv: Record<string, string>): Promise<BotProcess> {
    const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, LOG_LEVEL: 'info', PORT: String(botPort), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const append = (d: Buffer) => {
      log += d.toString();
      childLog += d.toString();
    };
    proc.stdout?.on('data', append);
    proc.stderr?.on('data', append);
    const gone = () => proc.exitCode !== null || proc.signalCode !== null;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${botPort}/healthz`).catch(() => null);
      return res?.ok ? ((await res.json()) as Awaited<ReturnType<BotProcess['health']>>) : null;
    };
    const bot: BotProcess = {
      name,
      port: botPort,
      url: `http://127.0.0.1:${botPort}/slack/events`,
      log: () => log,
      health,
      crash: () => void proc.kill('SIGKILL'),
      async kill() {
        if (!gone()) proc.kill('SIGKILL');
        await exited;
      },
      async terminate() {
        if (!gone()) proc.kill('SIGTERM');
        return exited;
      },
    };
    children.set(name, bot);
    await waitFor(
      async () => {
        // A crash switch may kill the bot while it resumes, before it answers /healthz.
        if (proc.signalCode !== null) return true;
        if (proc.exitCode !== null) throw new Error(`the bot exited with ${proc.exitCode} before answering /healthz:\n${log.slice(-2_000)}`);
        return (await health()) !== null;
      },
      60_000,
      'the bot to answer /healthz',
    );
    return bot;
  }

  const world = {
    dir,
    env,
    catalog,
    commits,
    emulator,
    sentry,
    slack,
    sim,
    prometheus,
    jira,
    url,
    secrets: [BOT_TOKEN, SIGNING_SECRET, SENTRY_TOKEN, env.JIRA_PAT ?? env.JIRA_API_TOKEN, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, drainToken],
    childLog: () => childLog,

    async startInProcess(): Promise<void> {
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) process.env[key] = env[key];
      inProcess = await startBot({ env: parseEnv(env), rawEnv: env, catalog, host: '127.0.0.1', tickMs: 100 });
    },

    /** Starts `src/main.ts` as a real process on the world's PORT, as `npm start` would, and waits for /healthz. */
    async startChild(): Promise<void> {
      await startProcess(CHILD, port, {});
    },

    /**
     * Another bot process on the same database (DATA_DIR), with its own port; `extraEnv` such as
     * a short LEADER_LEASE. Commands and clicks go to it when it is named as their `to`.
     */
    async startProcess(name: string, extraEnv: Record<string, string> = {}): Promise<BotProcess> {
      if (children.has(name)) throw new Error(`a bot process called ${name} is already running`);
      return startProcess(name, await freePort(), extraEnv);
    },

    /**
     * SIGKILL, sent before this returns: called from inside a fake's request handler, the bot
     * dies before it can read the answer. `killChild` then waits for the exit.
     */
    crashChild(): void {
      children.get(CHILD)?.crash();
    },

    /** SIGKILL: no shutdown code runs, exactly like a crash. */
    async killChild(): Promise<void> {
      const running = children.get(CHILD);
      children.delete(CHILD);
      await running?.kill();
    },

    async command(user: string, text: string, command = '/prerelease', to?: Pick<BotProcess, 'url'>) {
      const responseUrl = slack.createResponseUrl({ user, channel: DEPLOY_CHANNEL });
      const body = slashCommandBody({
        command,
        text,
        user_id: user,
        user_name: user,
        channel_id: DEPLOY_CHANNEL,
        team_id: 'T0SANDBOX1',
        response_url: responseUrl,
        trigger_id: `${Date.now()}.trigger`,
      });
      return sendSigned(to?.url ?? url, SIGNING_SECRET, body);
    },

    parents(): FakeMessage[] {
      return slack.workspace.messages(DEPLOY_CHANNEL);
    },

    thread(parent: FakeMessage): FakeMessage[] {
      return slack.workspace.thread(DEPLOY_CHANNEL, parent.ts);
    },

    /** Clicks a button of the parent message as `user`, with the payload Slack would send. */
    async click(user: string, parent: FakeMessage, actionId: string, to?: BotProcess) {
      const button = findButton(parent, actionId);
      const responseUrl = slack.createResponseUrl({ user, channel: DEPLOY_CHANNEL, messageTs: parent.ts });
      const body = blockActionsBody({
        user: { id: user },
        channel: { id: DEPLOY_CHANNEL },
        message: { ts: parent.ts, blocks: parent.blocks ?? [], text: parent.text },
        actions: [{ action_id: actionId, block_id: button.blockId, value: button.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
        response_url: responseUrl,
        trigger_id: `${Date.now()}.trigger-${user}`,
      });
      return sendSigned(to?.url ?? url, SIGNING_SECRET, body);
    },

    async submitView(user: string, view: { id: string; callback_id: string; private_metadata?: string }, values: Record<string, Record<string, { type: string; value: string | null }>>) {
      return sendSigned(url, SIGNING_SECRET, viewSubmissionBody({ user: { id: user }, view: { ...view, state: { values } } }));
    },

    ephemeralTexts(user: string): string[] {
      return slack.workspace.ephemerals(user).map((e) => JSON.stringify({ text: e.text, blocks: e.blocks }));
    },

    async stop(): Promise<void> {
      await inProcess?.stop();
      inProcess = null;
      const running = [...children.values()];
      children.clear();
      await Promise.all(running.map((bot) => bot.kill()));
    },

    async close(): Promise<void> {
      await world.stop();
      if (retarget) clearInterval(retarget);
      await sim?.close();
      await Promise.allSettled([aws.close(), sentry.close(), slack.close(), prometheus?.close(), realPrometheus?.stop(), jira.close()]);
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export type World = Awaited<ReturnType<typeof startWorld>>;

export function findButton(message: FakeMessage, actionId: string): { blockId: string; value: string } {
  for (const block of (message.blocks ?? []) as { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] }[]) {
    const element = block.elements?.find((e) => e.action_id === actionId);
    if (block.type === 'actions' && element) return { blockId: block.block_id ?? 'actions', value: element.value ?? '' };
  }
  throw new Error(`no ${actionId} button on the message: ${JSON.stringify(message.blocks)}`);
}

export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
