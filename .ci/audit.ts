import { spawnSync } from 'node:child_process';
import { auditVerdict, report, type AuditVerdict } from './audit-verdict.js';

// npm's own exit code says only "something is wrong" for findings and failures alike; the JSON
// tells them apart. Production dependencies only: they are what the bot runs with.
const audit = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const verdict: AuditVerdict = audit.error ? { kind: 'unavailable', reason: `npm could not be started: ${audit.error.message}` } : auditVerdict(audit.stdout);
const { lines, fail } = report(verdict);
for (const line of lines) console.log(line);
process.exitCode = fail ? 1 : 0;
