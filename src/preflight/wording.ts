/** Lists items in a line; a fleet of 30 broken servers names the first few and counts the rest. */
export function listed(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** "1 server", "4 servers". */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** Removes secrets from text that came back from a dependency, which may echo what it was sent. */
export function withoutSecrets(text: string, secrets: (string | null | undefined)[]): string {
  return secrets.reduce<string>((out, secret) => (secret ? out.split(secret).join('[redacted]') : out), text);
}
