import { verdict, type CheckStatus, type PreflightReport } from './report.js';

const MARK: Record<CheckStatus, string> = { ok: 'ok', warning: 'WARNING', failed: 'FAILED' };

/** The report for a terminal: one line per check, the fix indented under a warning or failure. */
export function textReport(report: PreflightReport): string {
  const area = Math.max(...report.lines.map((l) => l.area.length));
  const lines = [`Pre-flight check of ${report.service}${report.depth === 'cheap' ? ' (reads only)' : ''}: ${summary(report)}`];
  for (const line of report.lines) {
    lines.push(`  ${MARK[line.status].padEnd(7)}  ${line.area.padEnd(area)}  ${line.detail}`);
    if (line.fix) lines.push(`  ${' '.repeat(7)}  ${' '.repeat(area)}  fix: ${line.fix}`);
  }
  return `${lines.join('\n')}\n`;
}

/** "2 failed, 1 warning, 9 ok". */
export function summary(report: PreflightReport): string {
  const count = (status: CheckStatus) => report.lines.filter((l) => l.status === status).length;
  const parts = [`${count('failed')} failed`, `${count('warning')} warning${count('warning') === 1 ? '' : 's'}`, `${count('ok')} ok`];
  return verdict(report) === 'ok' ? `all ${count('ok')} checks ok` : parts.join(', ');
}
