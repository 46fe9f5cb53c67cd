import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startBot, type RunningBot } from '../../bot.js';
import { loadCatalog, parseEnv } from '../../config/load.js';
import type { Logger } from '../../observability/logger.js';
import { freePort } from '../../util/free-port.js';
import { AwsEmulator } from '../aws/emulator.js';
import { readmePolicy } from '../aws/readme-policy.js';
import { seedService } from '../aws/seed.js';
import { startBoardStore } from '../board/store-server.js';
import { createSampleRepo } from '../git/sample-repo.js';
import { httpHealthCheck } from '../instances/health-check.js';
import { startInstanceProcesses } from '../instances/instance-processes.js';
import { SANDBOX_JIRA_USER } from '../jira/auth.js';
import { startFakeJira } from '../jira/fake-jira.js';
import { startLoadBalancer } from '../lb/load-balancer.js';
import { startFakeSentry } from '../sentry/fake-sentry.js';
import { startFakeSlack } from '../slack/server.js';
import { sandboxPrometheus } from './sandbox-prometheus.js';
import { writeSandboxCatalog } from './sandbox-catalog.js';

export const SANDBOX_USERS = [
  { id: 'U0DANA0001', name: 'dana', realName: 'Dana (deployer)', role: 'deployer' },
  { id: 'U0ALEX0001', name: 'alex', realName: 'Alex (approver, releaser)', role: 'approver' },
  { id: 'U0OLLI0001', name: 'olli', realName: 'Olli (not allowed)', role: 'not allowed' },
] as const;

export interface SandboxOptions {
  /** Where the sandbox keeps its repo, catalog and the bot's database (default data/sandbox). */
  dataDir?: string;
  fleetSize?: number;
  /** Minutes-long soaks and timeouts instead of hours (default true). */
  fast?: boolean;
  /** Time an instance stays pending, as EC2 boots it (default 5 s). */
  bootDelayMs?: number;
  deregistrationDelaySeconds?: number;
  /**
   * Second octet of the loopback block the instances' private IPs come from (127.N.x.y), so that
   * two sandboxes on one machine (tests in parallel, a benchmark) never share an address.
   */
  ipBlock?: number;
  /** Use the stand-in even when the real Prometheus is installed. */
  standInPrometheus?: boolean;
  /** Rewrites the sandbox catalog before it is loaded (the benchmark tunes gate, drain and keep-warm). */
  tuneCatalog?: (yaml: string) => string;
  /**
   * A fleet the bot did not launch, as every team has on its first day: it carries the catalog's
   * fleet tags only, so the first release is refused until the fleet is taken over.
   */
  unmanagedFleet?: boolean;
  logger: Logger;
}

const APP_PORT = 8080;
const BOT_TOKEN = 'xoxb-sandbox-bot-token';
const SIGNING_SECRET = 'sandbox-signing-secret';
const SENTRY_TOKEN = 'sandbox-sentry-token';
const DRAIN_TOKEN = 'sandbox-drain-token';

/**
 * Everything `npm start` runs without Slack credentials, on 127.0.0.1: the AWS Query emulator
 * with a seeded account, one board server process per running instance (at its private IP, a
 * loopback address), a load balancer for HTTP and websockets, Prometheus (real when installed),
 * fake Sentry, Jira and Slack, and the real bot talking to all of them through its normal
 * configuration. The same composition serves the end-to-end tests and the benchmark.
 */
export async function startSandbox(options: SandboxOptions) {
  const { logger } = options;
  const dataDir = resolve(options.dataDir ?? 'data/sandbox');
  await mkdir(dataDir, { recursive: true });
  const stops: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch((error: Error) => logger.warn({ err: error }, 'sandbox part did not stop cleanly'));
  };
  try {
    const repo = join(dataDir, 'board.git');
    const commits = await createSampleRepo(repo);
    const catalogFile = await writeSandboxCatalog({ from: 'data/services.yml', to: join(dataDir, 'services.yml'), repo, appPort: APP_PORT, fast: options.fast ?? true, tune: options.tuneCatalog });
    const catalog = await loadCatalog(catalogFile);
    const service = catalog.services.board;

    const sentry = await startFakeSentry({ token: SENTRY_TOKEN, org: service.sentry?.org ?? 'acme', projects: [{ id: '1', slug: service.sentry?.project ?? 'board' }] });
    stops.push(() => sentry.close());
    const jira = await startFakeJira();
    stops.push(() => jira.close());
    const store = await startBoardStore();
    stops.push(() => store.close());

    const emulator = new AwsEmulator({
      // The policy operators are told to attach, enforced: a call it forgets is refused here first.
      iam: { policy: readmePolicy() },
      bootDelayMs: options.bootDelayMs ?? 5_000,
      // Above the board server's start-up time, so a new server is not briefly reported unhealthy.
      health: { delayMs: 2_500, intervalMs: 1_000, check: httpHealthCheck() },
      privateIp: (n) => `127.${options.ipBlock ?? 77}.${n >> 8}.${(n & 255) + 1}`,
    });
    stops.push(() => emulator.close());
    seedService(emulator.state, service, {
      versions: ['1.0.0', '1.1.0', '1.2.0'].map((version) => ({ version, commit: commits[version] })),
      fleet: { version: '1.0.0', count: options.fleetSize ?? 4, launchedByBot: !options.unmanagedFleet },
      // As the README asks of a real target group: sessions outlive their server's drain timeout.
      deregistrationDelaySeconds: options.deregistrationDelaySeconds ?? Math.ceil((service.drain?.serverTimeout ?? 300_000) / 1000),
    });
    const processes = startInstanceProcesses({
      emulator,
      port: APP_PORT,
      command: (_instance, image) => {
        const version = image.tags[service.ami.versionTag];
        if (!version) return null;
        return {
          cmd: process.execPath,
          args: ['--import', 'tsx', 'src/sandbox/board/main.ts'],
          env: { VERSION: version, STORE_URL: store.url, DRAIN_TOKEN, SENTRY_DSN: sentry.dsn('1'), FAULT: version === '1.2.0' ? 'errors' : 'none', LOG_LEVEL: 'warn' },
        };
      },
      log: (entry) => logger.debug({ instanceId: entry.instanceId, stream: entry.stream }, entry.line),
    });
    stops.push(() => processes.stop());
    const aws = await emulator.listen();
    stops.push(() => aws.close());
    const lb = await startLoadBalancer({ emulator, targetGroupArn: service.targetGroups[service.targetGroups.length - 1] });
    stops.push(() => lb.close());
    const prometheus = await sandboxPrometheus({ emulator, appPort: APP_PORT, standIn: options.standInPrometheus ?? false, logger });
    stops.push(() => prometheus.stop());

    const slack = await startFakeSlack({
      token: BOT_TOKEN,
      channels: [
        { id: service.slack.deployChannel, name: 'deploys' },
        { id: service.slack.releaseChannel, name: 'releases' },
      ],
      users: SANDBOX_USERS.map((u) => ({ id: u.id, name: u.name, realName: u.realName })),
      usergroups: { S0DEPLOYERS: [SANDBOX_USERS[0].id, SANDBOX_USERS[1].id], S0APPROVERS: [SANDBOX_USERS[1].id] },
    });
    stops.push(() => slack.close());

    const botPort = await freePort();
    const rawEnv: Record<string, string> = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      PORT: String(botPort),
      AWS_REGION: service.region,
      AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000',
      AWS_SECRET_ACCESS_KEY: 'sandbox-secret-access-key',
      AWS_ENDPOINT_URL_EC2: aws.url,
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: aws.url,
      PROMETHEUS_URL: prometheus.url,
      SENTRY_URL: sentry.url,
      SENTRY_AUTH_TOKEN: SENTRY_TOKEN,
      JIRA_URL: jira.url,
      JIRA_PAT: SANDBOX_JIRA_USER.pat,
      SERVICES_FILE: catalogFile,
      DATA_DIR: join(dataDir, 'bot'),
      BOARD_DRAIN_TOKEN: DRAIN_TOKEN,
      LOG_LEVEL: 'warn',
    };
    // The AWS SDK reads credentials from the environment, as it would on a real host.
    process.env.AWS_ACCESS_KEY_ID = rawEnv.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = rawEnv.AWS_SECRET_ACCESS_KEY;
    const bot: RunningBot = await startBot({ env: parseEnv(rawEnv), rawEnv, catalog, host: '127.0.0.1', logger: logger.child({ component: 'bot' }) });
    stops.push(() => bot.stop());

    return {
      catalog,
      service,
      emulator,
      processes,
      store,
      lb,
      prometheus,
      sentry,
      jira,
      slack,
      bot,
      botUrl: `http://127.0.0.1:${bot.port}/slack/events`,
      /** The environment the bot was started with: another bot process can be pointed at the same fakes. */
      botEnv: rawEnv as Readonly<Record<string, string>>,
      signingSecret: SIGNING_SECRET,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
