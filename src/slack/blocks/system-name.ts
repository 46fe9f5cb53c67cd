import type { System } from '../../deploy/ports.js';

/** How people call the systems the bot depends on, in thread notes and questions. */
export const SYSTEM_NAME: Record<System | 'internal', string> = {
  aws: 'AWS',
  sentry: 'Sentry',
  prometheus: 'Prometheus',
  jira: 'Jira',
  slack: 'Slack',
  git: 'Git',
  store: 'The bot’s database',
  drain: 'The drain hook',
  internal: 'The bot itself',
};
