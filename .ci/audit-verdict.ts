/**
 * What the JSON output of `npm audit --json` (npm 7 and later, `auditReportVersion: 2`) means for
 * CI: high and critical findings fail the build; an audit that could not run at all (a registry
 * without the advisories endpoint, no network) is said loudly but does not, since it proves
 * nothing either way.
 */

export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

const FAILING: readonly Severity[] = ['high', 'critical'];

export interface Finding {
  name: string;
  severity: Severity;
  direct: boolean;
  /** Advisory titles with their links, or "through <package>" for a vulnerable dependency. */
  causes: string[];
  fix: string;
}

export type AuditVerdict =
  | { kind: 'clean'; counts: Record<Severity, number> }
  | { kind: 'failing'; counts: Record<Severity, number>; findings: Finding[] }
  | { kind: 'unavailable'; reason: string };

interface Advisory {
  title?: string;
  url?: string;
  severity?: string;
}

interface Vulnerability {
  name: string;
  severity: Severity;
  isDirect?: boolean;
  via: (string | Advisory)[];
  fixAvailable: boolean | { name: string; version: string; isSemVerMajor: boolean };
}

interface AuditReport {
  auditReportVersion: 2;
  vulnerabilities: Record<string, Vulnerability>;
  metadata: { vulnerabilities: Record<Severity, number> };
}

/** npm's `--json` error object: a failed HTTP request carries `statusCode` and `uri`. */
interface AuditError {
  message?: string;
  statusCode?: number;
  method?: string;
  uri?: string;
  error?: { code?: string; summary?: string; detail?: string };
}

function isReport(value: unknown): value is AuditReport {
  const report = value as Partial<AuditReport> | null;
  return report?.auditReportVersion === 2 && typeof report.metadata?.vulnerabilities === 'object' && typeof report.vulnerabilities === 'object';
}

function whyUnavailable(value: unknown): string {
  const failure = (value ?? {}) as AuditError;
  if (typeof failure.statusCode === 'number') {
    return `the registry refused the audit endpoint (HTTP ${failure.statusCode}): ${failure.message || `${failure.method ?? 'POST'} ${failure.uri ?? 'its advisories endpoint'}`}`;
  }
  return `npm audit failed: ${failure.message || failure.error?.summary || failure.error?.code || 'no reason given'}`;
}

function describeFix(fix: Vulnerability['fixAvailable']): string {
  if (fix === false) return 'no fix available';
  if (fix === true) return 'fix: npm audit fix';
  return `fix: ${fix.name}@${fix.version}${fix.isSemVerMajor ? ' (semver-major)' : ''}`;
}

function findingOf(vulnerability: Vulnerability): Finding {
  return {
    name: vulnerability.name,
    severity: vulnerability.severity,
    direct: vulnerability.isDirect === true,
    causes: vulnerability.via.map((via) => (typeof via === 'string' ? `through ${via}` : `${via.title ?? 'untitled advisory'}${via.url ? ` ${via.url}` : ''}`)),
    fix: describeFix(vulnerability.fixAvailable),
  };
}

export function auditVerdict(stdout: string): AuditVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    const first = stdout.trim().split('\n')[0] ?? '';
    return { kind: 'unavailable', reason: first ? `npm audit printed no JSON report: ${first}` : 'npm audit printed nothing' };
  }
  if (!isReport(parsed)) return { kind: 'unavailable', reason: whyUnavailable(parsed) };
  const counts = parsed.metadata.vulnerabilities;
  const findings = Object.values(parsed.vulnerabilities)
    .filter((v) => FAILING.includes(v.severity))
    .map(findingOf)
    // Packages with their own advisory first: they are where a fix starts.
    .sort((a, b) => Number(b.causes.some((c) => !c.startsWith('through '))) - Number(a.causes.some((c) => !c.startsWith('through '))) || a.name.localeCompare(b.name));
  const failing = FAILING.reduce((sum, severity) => sum + (counts[severity] ?? 0), 0);
  return failing > 0 || findings.length > 0 ? { kind: 'failing', counts, findings } : { kind: 'clean', counts };
}

/** The lines CI prints, and whether the build fails. */
export function report(verdict: AuditVerdict): { lines: string[]; fail: boolean } {
  if (verdict.kind === 'unavailable') {
    const banner = '!'.repeat(78);
    return {
      fail: false,
      lines: [banner, `WARNING: npm audit could not run, so dependencies were NOT checked for known vulnerabilities.`, verdict.reason, banner],
    };
  }
  const summary = (['critical', 'high', 'moderate', 'low'] as const).map((s) => `${verdict.counts[s] ?? 0} ${s}`).join(', ');
  if (verdict.kind === 'clean') return { fail: false, lines: [`npm audit: no high or critical vulnerabilities in production dependencies (${summary})`] };
  return {
    fail: true,
    lines: [
      `npm audit: high or critical vulnerabilities in production dependencies (${summary}):`,
      ...verdict.findings.map((f) => `  ${f.name} (${f.severity}${f.direct ? ', direct dependency' : ''}): ${f.causes.join('; ')}; ${f.fix}`),
    ],
  };
}
