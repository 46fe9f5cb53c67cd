/** Service names and versions are plain tokens: nothing a user types can reach Slack markup. */
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const MAX_TOKEN = 64;
const SHOWN_EXTRA_WORDS = 3;

/** Why these words cannot be a service name or version, or null when they can. */
export function tokenProblem(words: string[]): string | null {
  if (words.some((w) => !TOKEN.test(w))) return 'The command contains characters a service name or version never has.';
  if (words.some((w) => w.length > MAX_TOKEN)) return `A service name or version is longer than ${MAX_TOKEN} characters.`;
  return null;
}

/** Names words the grammar has no place for, without echoing a wall of text back. */
export function extraWords(words: string[]): string {
  const shown = words.slice(0, SHOWN_EXTRA_WORDS).join(' ');
  return words.length > SHOWN_EXTRA_WORDS ? `Unexpected extra words: \`${shown} …\` (${words.length} words).` : `Unexpected extra words: \`${shown}\`.`;
}

/** An option as typed, when it is short and plain enough to quote back. */
export function quotedOption(word: string): string | null {
  return /^--[A-Za-z0-9-]{1,30}$/.test(word) ? `\`${word}\`` : null;
}
