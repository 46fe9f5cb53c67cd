/**
 * What `npm run preflight -- <service>` and `/release check <service>` say: one line per thing a
 * release needs, each ok, a warning (it works, but something will bite) or failed (a release
 * would stop on it), with the fix. Nothing a check does changes anything.
 */
export type CheckStatus = 'ok' | 'warning' | 'failed';

export type CheckArea = 'Credentials' | 'Launching' | 'Retiring' | 'Target groups' | 'Fleet' | 'Prometheus' | 'Drain hook' | 'Sentry' | 'Jira' | 'Slack';

export interface CheckLine {
  area: CheckArea;
  status: CheckStatus;
  /** What was found, in plain words (instance IDs, counts, what the dependency answered). */
  detail: string;
  /** What to do about a warning or a failure; null when ok. */
  fix: string | null;
}

export interface PreflightReport {
  service: string;
  at: number;
  /** `cheap`: the part start-up runs (reads only, no dry runs, no call to the application's servers). */
  depth: 'full' | 'cheap';
  lines: CheckLine[];
}

export const ok = (area: CheckArea, detail: string): CheckLine => ({ area, status: 'ok', detail, fix: null });
export const warning = (area: CheckArea, detail: string, fix: string): CheckLine => ({ area, status: 'warning', detail, fix });
export const failed = (area: CheckArea, detail: string, fix: string): CheckLine => ({ area, status: 'failed', detail, fix });

/** The worst status in the report: what the CLI's exit code and the Slack summary follow. */
export function verdict(report: PreflightReport): CheckStatus {
  if (report.lines.some((l) => l.status === 'failed')) return 'failed';
  return report.lines.some((l) => l.status === 'warning') ? 'warning' : 'ok';
}
