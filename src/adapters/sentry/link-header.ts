/**
 * Sentry's `Link` header always has a "next" link, even on the last page; only its
 * `results="true"` says there is more. Returns that link's cursor, or null when done.
 */
export function nextCursor(link: string | null): string | null {
  if (!link) return null;
  for (const entry of link.split(/,\s*(?=<)/)) {
    const attributes = new Map<string, string>();
    for (const match of entry.matchAll(/;\s*([a-z]+)="([^"]*)"/g)) attributes.set(match[1], match[2]);
    if (attributes.get('rel') === 'next') {
      return attributes.get('results') === 'true' ? (attributes.get('cursor') ?? null) : null;
    }
  }
  return null;
}
