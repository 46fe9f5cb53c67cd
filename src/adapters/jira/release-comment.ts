export interface ReleaseCommentInput {
  service: string;
  version: string;
  /** The release's deploy ID, the comment's marker: an attempt repeated after a crash finds its own comment by it. */
  releaseId: string;
  /** Permalink of the release thread in Slack. */
  threadLink?: string;
  /** Who released, as people know them (a display name, not a Slack ID). */
  releasedBy?: string;
}

/** The comment left on each issue of a release, in Jira wiki markup (REST API v2 comments use it). */
export function releaseComment(input: ReleaseCommentInput): string {
  const by = input.releasedBy ? ` by ${plain(input.releasedBy)}` : '';
  // "|" and "]" end a wiki-markup link early; Slack permalinks never need them unencoded.
  const link = input.threadLink ? `, [release thread|${input.threadLink.replace(/\|/g, '%7C').replace(/]/g, '%5D')}]` : '';
  return `Released in ${plain(input.service)} ${plain(input.version)}${by} (${releaseMarker(input.releaseId)}${link}).`;
}

/**
 * Whether a comment body, as API v2 returns it, is the release comment of this release. The marker
 * must stand alone: release rl-1 is not the release comment of rl-12, nor is "prerelease rl-1".
 */
export function isReleaseComment(body: string, releaseId: string): boolean {
  const marker = releaseMarker(releaseId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w-])${marker}(?![\\w-])`).test(body);
}

function releaseMarker(releaseId: string): string {
  return `release ${plain(releaseId)}`;
}

/** Keeps names from opening wiki-markup links or macros. */
function plain(text: string): string {
  return text.replace(/[[\]{}|]/g, (c) => `\\${c}`);
}
