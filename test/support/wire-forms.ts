/**
 * Every shape a secret takes on the wire, written out independently of the redactor that must
 * catch them: as is, base64 with and without padding (Basic auth, dumped buffers), base64url, and
 * URL-encoded (form bodies, query strings).
 */
export function wireForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const base64 = bytes.toString('base64');
  return [...new Set([secret, base64, base64.replace(/=+$/, ''), bytes.toString('base64url'), encodeURIComponent(secret)])];
}
