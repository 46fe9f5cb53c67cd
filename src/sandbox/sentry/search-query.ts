/**
 * The slice of Sentry's issue search syntax the bot relies on. Anything else is refused with a
 * 400, as real Sentry does for malformed queries, so a drifting adapter fails loudly here instead
 * of silently matching everything.
 */

export type IssueStatus = 'unresolved' | 'resolved' | 'ignored';

export interface IssueSearch {
  firstRelease?: string;
  status?: IssueStatus;
}

export class InvalidSearchError extends Error {}

const STATUSES: readonly string[] = ['unresolved', 'resolved', 'ignored'];

/** An absent query means Sentry's default, `is:unresolved`; a given query replaces it. */
export function parseIssueSearch(query: string | null): IssueSearch {
  if (query === null) return { status: 'unresolved' };
  const search: IssueSearch = {};
  for (const { key, value } of tokens(query)) {
    if (key === 'firstRelease') search.firstRelease = value;
    else if (key === 'is' && STATUSES.includes(value)) search.status = value as IssueStatus;
    else throw new InvalidSearchError(`unsupported search term ${key}:${value}`);
  }
  return search;
}

function* tokens(query: string): Generator<{ key: string; value: string }> {
  const term = /\s*([A-Za-z_.]+):(?:"((?:\\"|[^"])*)"|(\S+))/y;
  let rest = query.trim();
  while (rest.length > 0) {
    term.lastIndex = 0;
    const match = term.exec(rest);
    if (!match) throw new InvalidSearchError(`cannot parse search query near ${JSON.stringify(rest)}`);
    yield { key: match[1], value: match[2] !== undefined ? match[2].replace(/\\"/g, '"') : match[3] };
    rest = rest.slice(term.lastIndex).trimStart();
  }
}
