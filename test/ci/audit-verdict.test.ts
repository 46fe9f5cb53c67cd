import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditVerdict, report } from '../../.ci/audit-verdict.js';

/**
 * Outputs of npm 11's `npm audit --omit=dev --json` on this project, captured from real runs: against
 * this machine's registry (405), an unreachable one, and a local registry answering the advisories
 * endpoint with none, or with advisories for `ms` (high) and `luxon` (moderate).
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/npm-audit-${name}.json`, import.meta.url), 'utf8');

interface Report {
  vulnerabilities: Record<string, { severity: string; via: (string | { severity: string })[] }>;
  metadata: { vulnerabilities: Record<string, number> };
}

/** The findings run with the given packages' severities changed, counts kept consistent. */
function withSeverities(change: Record<string, string | null>): string {
  const report = JSON.parse(fixture('findings')) as Report;
  for (const [name, severity] of Object.entries(change)) {
    if (severity === null) delete report.vulnerabilities[name];
    else report.vulnerabilities[name].severity = severity;
  }
  const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 } as Record<string, number>;
  for (const v of Object.values(report.vulnerabilities)) {
    counts[v.severity] += 1;
    counts.total += 1;
  }
  report.metadata.vulnerabilities = counts;
  return JSON.stringify(report);
}

describe('the CI verdict on npm audit', () => {
  it('fails on high findings and lists every vulnerable package, advisories first, with its cause and fix', () => {
    const verdict = auditVerdict(fixture('findings'));
    expect(verdict.kind).toBe('failing');
    const { lines, fail } = report(verdict);
    expect(fail).toBe(true);
    expect(lines[0]).toContain('0 critical, 14 high, 1 moderate');
    expect(lines).toHaveLength(15);
    expect(lines[1]).toBe(
      '  ms (high, direct dependency): Vercel ms Inefficient Regular Expression Complexity vulnerability https://github.com/advisories/GHSA-w9mr-4mfr-499f; no fix available',
    );
    expect(lines).toContain('  debug (high): through ms; no fix available');
    expect(lines.some((l) => l.startsWith('  luxon'))).toBe(false);
  });

  it('fails on a critical finding alone', () => {
    const onlyMs = Object.fromEntries(
      Object.keys((JSON.parse(fixture('findings')) as Report).vulnerabilities).map((name) => [name, name === 'ms' ? 'critical' : null]),
    );
    const { lines, fail } = report(auditVerdict(withSeverities(onlyMs)));
    expect(fail).toBe(true);
    expect(lines[0]).toContain('1 critical, 0 high');
    expect(lines[1]).toMatch(/^ {2}ms \(critical, direct dependency\)/);
  });

  it('passes when the findings are moderate or lower, and says how many there are', () => {
    const lowered = Object.fromEntries(Object.keys((JSON.parse(fixture('findings')) as Report).vulnerabilities).map((name) => [name, name === 'luxon' ? 'moderate' : 'low']));
    const { lines, fail } = report(auditVerdict(withSeverities(lowered)));
    expect(fail).toBe(false);
    expect(lines).toEqual(['npm audit: no high or critical vulnerabilities in production dependencies (0 critical, 0 high, 1 moderate, 14 low)']);
  });

  it('passes a clean report', () => {
    expect(auditVerdict(fixture('clean')).kind).toBe('clean');
    expect(report(auditVerdict(fixture('clean'))).fail).toBe(false);
  });

  it('warns loudly, without failing, when the registry refuses the audit endpoint', () => {
    const verdict = auditVerdict(fixture('405'));
    expect(verdict).toEqual({
      kind: 'unavailable',
      reason: 'the registry refused the audit endpoint (HTTP 405): 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    });
    const { lines, fail } = report(verdict);
    expect(fail).toBe(false);
    expect(lines.join('\n')).toContain('WARNING: npm audit could not run, so dependencies were NOT checked');
    expect(lines[0]).toMatch(/^!{40,}$/);
  });

  it('warns without failing when the registry cannot be reached or npm refuses to audit', () => {
    expect(auditVerdict(fixture('unreachable'))).toEqual({
      kind: 'unavailable',
      reason: 'npm audit failed: request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9',
    });
    const noLockfile = JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.', detail: 'Try creating one first with: npm i --package-lock-only' } });
    expect(auditVerdict(noLockfile)).toEqual({ kind: 'unavailable', reason: 'npm audit failed: This command requires an existing lockfile.' });
  });

  it('treats output that is not a report as an audit that did not run', () => {
    expect(auditVerdict('')).toEqual({ kind: 'unavailable', reason: 'npm audit printed nothing' });
    expect(auditVerdict('npm error code E403\n')).toEqual({ kind: 'unavailable', reason: 'npm audit printed no JSON report: npm error code E403' });
    expect(report(auditVerdict('{"auditReportVersion": 1}')).fail).toBe(false);
  });
});
