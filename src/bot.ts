import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as Sentry from '@sentry/node';
import { WebClient } from '@slack/web-api';
import { createAwsFleet } from './adapters/aws/fleet.js';
import { createGitChangelog } from './adapters/changelog/git-changelog.js';
import { createHttpDrainHook } from './adapters/drain-hook/http-drain-hook.js';
import { createJiraTickets } from './adapters/jira/jira-tickets.js';
import { createPrometheusBoardCounts } from './adapters/prometheus/board-counts.js';
import { createSentryNewErrors } from './adapters/sentry/new-errors.js';
import type { Catalog } from './config/catalog.js';
import { secretsOf, type Env } from './config/env.js';
import { checkWindow, describeWindows } from './deploy/calendar.js';
import { createPrereleaseWorkflow } from './deploy/prerelease/workflow.js';
import { createReleaseWorkflow } from './deploy/release/workflow.js';
import { DependencyError, type Clock } from './deploy/ports.js';
import type { DeployRecord } from './deploy/records.js';
import { Runner } from './deploy/runner.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { startSlackApp, type SlackMode } from './slack/app.js';
import { renderParent } from './slack/blocks/render-parent.js';
import { createSlackDirectory } from './slack/directory.js';
import { createNotifier } from './slack/notifier.js';
import { openStore } from './store/open-store.js';

export interface BotOptions {
  env: Env;
  /** The raw environment, for secrets the catalog names by variable (drain hook tokens). */
  rawEnv: Record<string, string | undefined>;
  catalog: Catalog;
  clock?: Clock;
  logger?: Logger;
  host?: string;
  /** How often the runner looks for due deploys. */
  tickMs?: number;
}

export interface RunningBot {
  port: number;
  stop(): Promise<void>;
}

function slackMode(env: Env): SlackMode {
  if (env.SLACK_APP_TOKEN) return { kind: 'socket', appToken: env.SLACK_APP_TOKEN };
  return { kind: 'http', signingSecret: env.SLACK_SIGNING_SECRET as string };
}

/** The composition root: wires configuration, adapters, the durable runner and Slack. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { env, catalog } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const hookSecrets = Object.values(catalog.services).flatMap((s) => (s.drain?.hook.authHeader ? [options.rawEnv[s.drain.hook.authHeader.env] ?? ''] : []));
  // The AWS SDK reads these from the environment by itself, so the validated env never holds them.
  const awsSecrets = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'].map((name) => options.rawEnv[name] ?? '');
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL, secrets: [...secretsOf(env), ...hookSecrets, ...awsSecrets] });
  const metrics = createMetrics();
  if (env.SENTRY_DSN) Sentry.init({ dsn: env.SENTRY_DSN, release: process.env.npm_package_version, enabled: true });

  const store = await openStore({ file: join(env.DATA_DIR, 'release-bot.sqlite') });
  const fleet = createAwsFleet({ endpoints: { ec2: env.AWS_ENDPOINT_URL_EC2, elbv2: env.AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 } });
  const newErrors = createSentryNewErrors({ baseUrl: env.SENTRY_URL, token: env.SENTRY_AUTH_TOKEN ?? '' });
  const changelog = createGitChangelog({ cacheDir: join(env.DATA_DIR, 'repos') });
  const slackApiUrl = env.SLACK_API_URL ? `${env.SLACK_API_URL.replace(/\/$/, '')}/api/` : undefined;
  // The notifier owns retries (it keeps undelivered notes in the store), so the client must not queue them.
  const client = new WebClient(env.SLACK_BOT_TOKEN, { slackApiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const directory = createSlackDirectory(client);
  const boards = createPrometheusBoardCounts({ baseUrl: env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090' });
  const drainHook = createHttpDrainHook({ env: options.rawEnv });
  const tickets = env.JIRA_URL && (env.JIRA_PAT || env.JIRA_API_TOKEN) ? createJiraTickets({ url: env.JIRA_URL, email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN, pat: env.JIRA_PAT }) : null;

  const render = (deploy: DeployRecord) => {
    const service = catalog.services[deploy.service];
    const now = clock.now();
    const window = service ? checkWindow(service.windows, now, service.name) : null;
    return renderParent(deploy, service, now, { window: window && service ? { ...window, description: describeWindows(service.windows, now) } : null });
  };

  const notifier = createNotifier({
    store,
    client,
    catalog,
    render,
    clock,
    logger,
  });

  const runner = new Runner({
    store,
    clock,
    service: (name) => catalog.services[name],
    workflows: {
      prerelease: createPrereleaseWorkflow({ fleet, newErrors, changelog, jiraBaseUrl: env.JIRA_URL }),
      release: createReleaseWorkflow({ fleet, boards, drainHook, tickets, changelog, jiraBaseUrl: env.JIRA_URL }),
    },
    onCommit: (deploy, result, durationMs) => {
      metrics.stepDuration.observe({ kind: deploy.kind, state: deploy.state }, durationMs / 1000);
      if (result.outcome) metrics.deploys.inc({ kind: deploy.kind, outcome: result.outcome });
      notifier.poke();
    },
    onStepError: (deploy, error, retryAt) => {
      const system = error instanceof DependencyError ? error.system : 'internal';
      metrics.externalFailures.inc({ system });
      const fields = { err: error, deployId: deploy.id, state: deploy.state, retryAt: new Date(retryAt).toISOString() };
      if (system === 'store') logger.error(fields, "the bot's database refused a write; no deploy takes another step until it accepts writes again");
      else logger.warn(fields, 'step failed; it will be retried');
      if (!(error instanceof DependencyError)) Sentry.captureException(error);
    },
  });

  const app = await startSlackApp({
    deps: {
      services: catalog.services,
      store,
      fleet,
      directory,
      clock,
      changelog,
      tickets,
      configured: { sentry: Boolean(env.SENTRY_AUTH_TOKEN), jira: tickets !== null, prometheus: Boolean(env.PROMETHEUS_URL) },
      newDeployId: (kind) => `${kind === 'prerelease' ? 'pr' : 'rl'}-${randomBytes(5).toString('hex')}`,
      onChange: () => {
        runner.poke();
        notifier.poke();
      },
      logger,
      metrics,
    },
    botToken: env.SLACK_BOT_TOKEN as string,
    mode: slackMode(env),
    port: env.PORT,
    host: options.host,
    slackApiUrl: env.SLACK_API_URL,
    health: async () => {
      const unfinished = await store.listDeploys({ unfinished: true });
      return { ok: true, unfinishedDeploys: unfinished.length };
    },
  });

  runner.start(options.tickMs ?? 500);
  notifier.start();
  logger.info({ port: app.port, mode: slackMode(env).kind, services: Object.keys(catalog.services) }, 'release bot started');

  return {
    port: app.port,
    async stop() {
      await app.stop();
      await runner.stop();
      await notifier.stop();
      await store.close();
      await Sentry.close(2000);
    },
  };
}
