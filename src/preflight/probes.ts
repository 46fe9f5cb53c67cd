import type { Env } from '../config/env.js';
import type { Connections } from '../connect.js';
import { checkDrainHook } from './drain-hook-check.js';
import { checkJira } from './jira-check.js';
import type { Probe } from './preflight.js';
import { checkPrometheus } from './prometheus-check.js';
import { checkSentry } from './sentry-check.js';
import { checkSlack } from './slack-check.js';

/**
 * The checks of everything but AWS, with the settings the bot runs with. Start-up runs the cheap
 * ones only: the drain hook probe reaches the application's own servers, and Jira's permission and
 * transition look-ups walk its projects and issues.
 */
export function createProbes(env: Env, rawEnv: Record<string, string | undefined>, connections: Pick<Connections, 'slack' | 'jira'>): Probe[] {
  return [
    { cheap: true, run: (service, found) => checkPrometheus(service, found.fleet, { baseUrl: env.PROMETHEUS_URL }) },
    { cheap: false, run: (service, found) => checkDrainHook(service, found.fleet, { env: rawEnv }) },
    // The soak's own read; a version no issue names is as good a test of the token as any.
    { cheap: true, run: (service, found) => checkSentry(service, found.newest?.version ?? '0.0.0', { baseUrl: env.SENTRY_URL, token: env.SENTRY_AUTH_TOKEN }) },
    { cheap: false, run: (service) => checkJira(service, connections.jira ?? {}) },
    { cheap: true, run: (service) => checkSlack(service, { client: connections.slack }) },
  ];
}
