const SECRET_KEY = /token|secret|password|authorization|api[-_]?key|dsn|cookie/i;
const SLACK_TOKEN = /xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+/g;

/**
 * Replaces known secret values and anything shaped like a Slack token, and blanks values under
 * secret-sounding keys, so neither logs nor Slack messages can carry credentials.
 */
export function createRedactor(secrets: string[]) {
  const known = secrets.filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  const scrubText = (text: string): string => {
    let out = text.replace(SLACK_TOKEN, '[redacted]');
    for (const secret of known) out = out.split(secret).join('[redacted]');
    return out;
  };
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return { type: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined };
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) && typeof v === 'string' ? '[redacted]' : scrub(v, depth + 1);
    return out;
  };
  return { scrubText, scrub };
}
