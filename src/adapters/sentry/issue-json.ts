import { z } from 'zod';
import type { IssueLevel, NewIssue } from '../../deploy/ports.js';

const LEVELS: readonly IssueLevel[] = ['fatal', 'error', 'warning', 'info', 'debug', 'sample'];

const issueSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  shortId: z.string(),
  title: z.string(),
  culprit: z.string().nullish(),
  permalink: z.string(),
  level: z.string().nullish(),
  // Sentry sends the event count as a string (it can exceed 2^53 in principle).
  count: z.union([z.string().regex(/^\d+$/), z.number()]).transform(Number),
  userCount: z.number().nullish(),
  firstSeen: z.string(),
});

export const issuesSchema = z.array(issueSchema);

export function toNewIssue(issue: z.output<typeof issueSchema>): NewIssue {
  return {
    id: issue.id,
    shortId: issue.shortId,
    title: issue.title,
    ...(issue.culprit ? { culprit: issue.culprit } : {}),
    // A level the bot does not know is treated as an error rather than ignored.
    level: LEVELS.find((l) => l === issue.level) ?? 'error',
    count: issue.count,
    userCount: issue.userCount ?? 0,
    firstSeen: issue.firstSeen,
    permalink: issue.permalink,
  };
}
