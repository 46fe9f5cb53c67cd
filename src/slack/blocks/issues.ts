import type { IssueLevel } from '../../deploy/ports.js';

const LEVEL_ORDER: IssueLevel[] = ['fatal', 'error', 'warning', 'info', 'debug', 'sample'];

export const LEVEL_EMOJI: Record<IssueLevel, string> = {
  fatal: '💀',
  error: '🔴',
  warning: '🟠',
  info: '🔵',
  debug: '⚪',
  sample: '⚪',
};

/** "2 new: 1 fatal, 1 error", most severe first; `none` when there are none. */
export function describeNewIssues(issues: { level: IssueLevel }[], none: string): string {
  if (issues.length === 0) return none;
  const counts = LEVEL_ORDER.map((level) => [level, issues.filter((i) => i.level === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`);
  return `${issues.length} new: ${counts.join(', ')}`;
}
