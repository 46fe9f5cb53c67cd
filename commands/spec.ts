/** What manifest.yml declares for a slash command; a test keeps the two in sync. */
export interface CommandSpec {
  command: string;
  description: string;
  usageHint: string;
}
