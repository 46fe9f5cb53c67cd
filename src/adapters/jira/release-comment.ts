export interface ReleaseCommentInput {
  service: string;
  version: string;
  /** Permalink of the release thread in Slack. */
  threadLink?: string;
  /** Who released, as people know them (a display name, not a Slack ID). */
  releasedBy?: string;
}

/** The comment left on each issue of a release, in Jira wiki markup (REST API v2 comments use it). */
export function releaseComment(input: ReleaseCommentInput): string {
  const by = input.releasedBy ? ` by ${plain(input.releasedBy)}` : '';
  // "|" and "]" end a wiki-markup link early; Slack permalinks never need them unencoded.
  const link = input.threadLink ? ` ([release thread|${input.threadLink.replace(/\|/g, '%7C').replace(/]/g, '%5D')}])` : '';
  return `Released in ${plain(input.service)} ${plain(input.version)}${by}${link}.`;
}

/** Keeps names from opening wiki-markup links or macros. */
function plain(text: string): string {
  return text.replace(/[[\]{}|]/g, (c) => `\\${c}`);
}
