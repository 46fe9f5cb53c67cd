import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Logger as BoltLogger, type LogLevel } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import type { SlackDeps } from './deps.js';
import { registerHoldButtons } from './handlers/hold-buttons.js';
import { registerPrereleaseButtons } from './handlers/prerelease-buttons.js';
import { registerPrereleaseCommand } from './handlers/prerelease-command.js';
import { registerReleaseButtons } from './handlers/release-buttons.js';
import { registerReleaseCommand } from './handlers/release-command.js';

export type SlackMode = { kind: 'http'; signingSecret: string } | { kind: 'socket'; appToken: string };

export interface SlackAppOptions {
  deps: SlackDeps;
  botToken: string;
  mode: SlackMode;
  /** HTTP mode: Bolt's receiver (and /healthz, /metrics). Socket Mode: only /healthz and /metrics. */
  port: number;
  host?: string;
  slackApiUrl?: string;
  health: () => Promise<{ ok: boolean; [key: string]: unknown }>;
}

export interface RunningSlackApp {
  port: number;
  stop(): Promise<void>;
}

function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level = 'info' as LogLevel;
  return {
    debug: (...msg) => child.debug(msg.map(String).join(' ')),
    info: (...msg) => child.info(msg.map(String).join(' ')),
    warn: (...msg) => child.warn(msg.map(String).join(' ')),
    error: (...msg) => child.error(msg.map(String).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function operationalRoutes(options: SlackAppOptions) {
  const { registry } = options.deps.metrics;
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        options
          .health()
          .then((status) => {
            res.writeHead(status.ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify(status));
          })
          .catch((error: Error) => {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ ok: false, error: error.message }));
          });
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        });
      },
    },
  ];
}

/** Builds the Bolt app with every command and button, in HTTP or Socket Mode, and starts it. */
export async function startSlackApp(options: SlackAppOptions): Promise<RunningSlackApp> {
  const { deps, mode } = options;
  const routes = operationalRoutes(options);
  const common = {
    token: options.botToken,
    logger: boltLogger(deps.logger),
    clientOptions: { slackApiUrl: options.slackApiUrl ? `${options.slackApiUrl.replace(/\/$/, '')}/api/` : undefined },
  };
  const app =
    mode.kind === 'http'
      ? new App({ ...common, signingSecret: mode.signingSecret, customRoutes: routes })
      : new App({ ...common, socketMode: true, appToken: mode.appToken });

  app.error(async (error) => {
    deps.logger.error({ err: error }, 'unhandled error in a Slack handler');
  });
  registerPrereleaseCommand(app, deps);
  registerPrereleaseButtons(app, deps);
  registerReleaseCommand(app, deps);
  registerReleaseButtons(app, deps);
  registerHoldButtons(app, deps);

  if (mode.kind === 'http') {
    const server = (await app.start({ port: options.port, host: options.host ?? '0.0.0.0' })) as Server;
    return { port: (server.address() as AddressInfo).port, stop: () => app.stop() as Promise<void> };
  }
  await app.start();
  const server = createServer((req, res) => {
    const route = routes.find((r) => req.url?.split('?')[0] === r.path);
    if (route) return route.handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '0.0.0.0', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      await app.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
