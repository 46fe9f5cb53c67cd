/**
 * Jira issue keys in free text ("BOARD-112 Keep cursor position", "Refs BOARD-95"), each once, in
 * order of appearance. Without `projects`, anything shaped like a key counts, including noise such
 * as UTF-8; naming the service's Jira projects keeps only real keys.
 */
export function jiraKeysIn(text: string, projects?: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const [key, project] of text.matchAll(/\b([A-Z][A-Z0-9_]+)-\d+\b/g)) {
    if (!projects || projects.length === 0 || projects.includes(project)) keys.add(key);
  }
  return [...keys];
}
