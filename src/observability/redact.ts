const SECRET_KEY = /token|secret|password|authorization|api[-_]?key|dsn|cookie|credential/i;
const SLACK_TOKEN = /xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+/g;
/**
 * The credential of an Authorization header wherever it ends up in text (raw header lists, request
 * dumps in SDK errors): Jira Cloud's Basic credential is base64 of `email:token`, which contains
 * no known secret verbatim. A credential has a digit or a base64 symbol, so prose ("Basic auth") stays.
 */
const AUTH_CREDENTIAL = /\b(Basic|Bearer)(\s+)(?=[\w+/.~-]*[\d+/=])[\w+/.~-]+=*/gi;

/** The forms a secret takes on the wire: as is, base64 (Basic auth, JSON dumps), URL-encoded (form bodies, query strings). */
function encodings(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [secret, base64, base64.replace(/=+$/, ''), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret)];
}

/**
 * Replaces known secret values (and their base64 and URL-encoded forms), anything shaped like a
 * Slack token or an Authorization credential, and blanks values under secret-sounding keys, so
 * neither logs nor Slack messages can carry credentials.
 */
export function createRedactor(secrets: string[]) {
  const known = [...new Set(secrets.filter((s) => s.length >= 6).flatMap(encodings))].sort((a, b) => b.length - a.length);
  const scrubText = (text: string): string => {
    let out = text.replace(SLACK_TOKEN, '[redacted]').replace(AUTH_CREDENTIAL, '$1$2[redacted]');
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
