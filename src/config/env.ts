import { z } from 'zod';
import { duration } from './duration.js';

const url = z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL such as https://example.com' });
const optionalString = z.string().min(1).optional();

export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'a bot token starts with xoxb-').optional(),
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'an app-level token starts with xapp-').optional(),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_API_URL: url.optional(),
    PORT: z.coerce.number({ error: 'expected a port number such as 3100' }).int().min(0).max(65535).default(3100),
    AWS_REGION: optionalString,
    AWS_ENDPOINT_URL_EC2: url.optional(),
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: url.optional(),
    PROMETHEUS_URL: url.optional(),
    SENTRY_URL: url.default('https://sentry.io'),
    SENTRY_AUTH_TOKEN: optionalString,
    JIRA_URL: url.optional(),
    JIRA_EMAIL: optionalString,
    JIRA_API_TOKEN: optionalString,
    JIRA_PAT: optionalString,
    SENTRY_DSN: z.union([url, z.literal('')]).optional(),
    SERVICES_FILE: z.string().min(1).default('data/services.yml'),
    DATA_DIR: z.string().min(1).default('data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Bot processes sharing DATA_DIR: a standby takes over at most this long after the leader died.
    LEADER_LEASE: duration('15s', { min: 1000 }).default(15_000),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_APP_TOKEN'],
        message: 'set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) next to SLACK_BOT_TOKEN',
      });
    }
    if (env.JIRA_EMAIL && !env.JIRA_API_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['JIRA_API_TOKEN'], message: 'JIRA_EMAIL needs JIRA_API_TOKEN (Jira Cloud)' });
    }
    if (env.JIRA_API_TOKEN && !env.JIRA_EMAIL) {
      ctx.addIssue({ code: 'custom', path: ['JIRA_EMAIL'], message: 'JIRA_API_TOKEN needs JIRA_EMAIL, the account it belongs to (Jira Cloud)' });
    }
    if (env.JIRA_URL && !env.JIRA_PAT && !env.JIRA_API_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['JIRA_URL'], message: 'JIRA_URL needs JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center)' });
    }
  });

export type Env = z.output<typeof envSchema>;

/** Values that must never reach a log line or a Slack message. */
export function secretsOf(env: Env): string[] {
  return [env.SLACK_BOT_TOKEN, env.SLACK_APP_TOKEN, env.SLACK_SIGNING_SECRET, env.SENTRY_AUTH_TOKEN, env.JIRA_API_TOKEN, env.JIRA_PAT]
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}
