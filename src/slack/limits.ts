/**
 * Slack's documented Block Kit limits (docs.slack.dev, checked in docs/integrations.md), plus one
 * undocumented one: Slack answers `msg_blocks_too_long` once the text of all blocks together passes
 * roughly 13,200 characters (slackapi/bolt-js#2509), so renderers budget below that.
 */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButtonText: 30,
  imageUrl: 3000,
  imageAltText: 2000,
  messageBlocksText: 12_000,
} as const;

const ELLIPSIS = '…';

/** Cuts text to at most `max` characters (UTF-16 units, as Slack counts), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  // Never leave half of a surrogate pair (an emoji) behind.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}
