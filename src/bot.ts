import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Catalog } from './config/catalog.js';
import { connect } from './connect.js';
import { createPreflight, type Preflight } from './preflight/preflight.js';
import { createProbes } from './preflight/probes.js';
import { verdict } from './preflight/report.js';
import { summary } from './preflight/text-report.js';
import { secretsOf, type Env } from './config/env.js';
import { checkWindow, describeWindows } from './deploy/calendar.js';
import { createPrereleaseWorkflow } from './deploy/prerelease/workflow.js';
import { createReleaseWorkflow } from './deploy/release/workflow.js';
import { DependencyError, type Clock } from './deploy/ports.js';
import type { DeployRecord } from './deploy/records.js';
import { Runner } from './deploy/runner.js';
import { createLeaderLease } from './leadership/leader-lease.js';
import { startErrorReporting } from './observability/error-reporting.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { startSlackApp, type SlackMode } from './slack/app.js';
import { renderParent } from './slack/blocks/render-parent.js';
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

/**
 * The cheap part of the pre-flight check for every service, logged: a misconfiguration shows in the
 * log at start-up rather than in the middle of the first release. It never holds the bot back.
 */
async function checkAtStartUp(preflight: Preflight, catalog: Catalog, logger: Logger): Promise<void> {
  for (const service of Object.values(catalog.services)) {
    try {
      const report = await preflight.run(service, 'cheap');
      const problems = report.lines.filter((l) => l.status !== 'ok');
      const fields = { service: service.name, verdict: verdict(report), problems };
      if (problems.length === 0) logger.info(fields, `pre-flight check of ${service.name}: ${summary(report)}`);
      else logger.warn(fields, `pre-flight check of ${service.name}: ${summary(report)}; run \`npm run preflight -- ${service.name}\` for the full check`);
    } catch (error) {
      logger.warn({ err: error, service: service.name }, 'pre-flight check at start-up could not run');
    }
  }
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
  const errors = await startErrorReporting(env.SENTRY_DSN, process.env.npm_package_version);

  const store = await openStore({ file: join(env.DATA_DIR, 'release-bot.sqlite') });
  const connections = connect(env, options.rawEnv);
  const { fleet, newErrors, changelog, slack: client, directory, boards, drainHook, tickets } = connections;
  const preflight = createPreflight({ aws: { fleet, checks: fleet.checks, env: options.rawEnv }, probes: createProbes(env, options.rawEnv, connections), clock });

  const render = (deploy: DeployRecord) => {
    const service = catalog.services[deploy.service];
    const now = clock.now();
    const window = service ? checkWindow(service.windows, now, service.name) : null;
    return renderParent(deploy, service, now, { window: window && service ? { ...window, description: describeWindows(service.windows, now) } : null });
  };

  // Every bot process on this database answers Slack; only the lease's holder runs the deploys and
  // posts their story, and the store refuses its writes once its lease may have passed to another.
  const lease = createLeaderLease({
    store,
    clock,
    ttlMs: env.LEADER_LEASE,
    logger,
    onElected: () => {
      showRole(true);
      runner.start(options.tickMs ?? 500);
      notifier.start();
    },
    onDeposed: async () => {
      showRole(false);
      await Promise.all([runner.stop(), notifier.stop()]);
    },
  });
  const showRole = (leading: boolean) => metrics.leader.set({ holder: lease.holder }, leading ? 1 : 0);
  showRole(false);

  const notifier = createNotifier({
    store,
    client,
    catalog,
    render,
    clock,
    logger,
    leadership: lease,
  });

  const runner = new Runner({
    store,
    clock,
    leadership: lease,
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
      if (!(error instanceof DependencyError)) errors.capture(error);
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
      preflight,
      logger,
      metrics,
    },
    botToken: env.SLACK_BOT_TOKEN as string,
    mode: slackMode(env),
    port: env.PORT,
    host: options.host,
    slackApiUrl: env.SLACK_API_URL,
    // A standby is healthy too: it answers Slack, and takes over when the leader goes.
    health: async () => {
      const unfinished = await store.listDeploys({ unfinished: true });
      const current = lease.current();
      return {
        ok: true,
        role: lease.isLeader() ? 'leader' : 'standby',
        holder: lease.holder,
        leader: current?.holder ?? null,
        leaseExpiresAt: current ? new Date(current.expiresAt).toISOString() : null,
        unfinishedDeploys: unfinished.length,
      };
    },
  });

  await lease.start();
  void checkAtStartUp(preflight, catalog, logger);
  logger.info({ port: app.port, mode: slackMode(env).kind, services: Object.keys(catalog.services), holder: lease.holder, role: lease.isLeader() ? 'leader' : 'standby' }, 'release bot started');

  return {
    port: app.port,
    async stop() {
      await app.stop();
      // The step in flight is committed before the lease is given up, so a standby takes over at once without overlap.
      await lease.stop();
      await store.close();
      await errors.close();
    },
  };
}
