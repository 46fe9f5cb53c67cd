/**
 * Action IDs of the release buttons. Every button's `value` is the deploy id alone: the handler
 * reads anything else (which servers "Terminate anyway" means) from the release's facts, so a
 * stale button can never act on servers its message no longer shows.
 */
export const RELEASE_ACTIONS = {
  start: 'release_start',
  cancel: 'release_cancel',
  pause: 'release_pause',
  resume: 'release_resume',
  rollback: 'release_rollback',
  wait: 'release_wait',
  force: 'release_force',
  jiraRetry: 'release_jira_retry',
} as const;
