import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { createAwsFleet } from './adapters/aws/fleet.js';
import { createGitChangelog } from './adapters/changelog/git-changelog.js';
import { createHttpDrainHook } from './adapters/drain-hook/http-drain-hook.js';
import { createJiraTickets } from './adapters/jira/jira-tickets.js';
import { createPrometheusBoardCounts } from './adapters/prometheus/board-counts.js';
import { createSentryNewErrors } from './adapters/sentry/new-errors.js';
import type { Env } from './config/env.js';
import { createSlackDirectory } from './slack/directory.js';

/**
 * One client per outside system, from the validated environment: what the bot runs on and what the
 * pre-flight check probes, so the check talks to exactly what a release would.
 */
export function connect(env: Env, rawEnv: Record<string, string | undefined>) {
  const slackApiUrl = env.SLACK_API_URL ? `${env.SLACK_API_URL.replace(/\/$/, '')}/api/` : undefined;
  // The notifier owns retries (it keeps undelivered notes in the store), so the client must not queue them.
  const slack = new WebClient(env.SLACK_BOT_TOKEN, { slackApiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const jira = env.JIRA_URL && (env.JIRA_PAT || env.JIRA_API_TOKEN) ? { url: env.JIRA_URL, email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN, pat: env.JIRA_PAT } : null;
  return {
    fleet: createAwsFleet({ endpoints: { ec2: env.AWS_ENDPOINT_URL_EC2, elbv2: env.AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 } }),
    newErrors: createSentryNewErrors({ baseUrl: env.SENTRY_URL, token: env.SENTRY_AUTH_TOKEN ?? '' }),
    changelog: createGitChangelog({ cacheDir: join(env.DATA_DIR, 'repos') }),
    slack,
    directory: createSlackDirectory(slack),
    boards: createPrometheusBoardCounts({ baseUrl: env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090' }),
    drainHook: createHttpDrainHook({ env: rawEnv }),
    jira,
    tickets: jira ? createJiraTickets(jira) : null,
  };
}

export type Connections = ReturnType<typeof connect>;
