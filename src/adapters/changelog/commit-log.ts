import type { ChangelogEntry } from '../../deploy/ports.js';
import { jiraKeysIn } from './jira-keys.js';

/**
 * `git log --format` for one record per commit: a record separator, then sha, author, author
 * date, subject and body separated by NUL, which cannot occur in a commit message.
 */
export const LOG_FORMAT = '%x1e%H%x00%an%x00%aI%x00%s%x00%b';

export function parseLog(output: string, jiraProjects?: readonly string[]): ChangelogEntry[] {
  return output
    .split('\x1e')
    .filter((record) => record.trim().length > 0)
    .map((record) => {
      const [sha, author, date, subject, body = ''] = record.split('\x00');
      return { sha, subject, author, date, issueKeys: jiraKeysIn(`${subject}\n${body}`, jiraProjects) };
    });
}
