import type { FakeChannel, FakeWorkspace } from './workspace.js';

/** Posting needs a live channel; reading history only needs to be in it. */
export type ChannelUse = 'post' | 'read';

/**
 * The channel a bot-token call names, or the error Slack gives instead. A bot without
 * `chat:write.public` can neither post to nor read a channel it was not invited to, so a bot
 * removed from its release channel fails with `not_in_channel` rather than posting somewhere
 * nobody asked for.
 */
export function channelFor(ws: FakeWorkspace, idOrName: string, use: ChannelUse): { channel: FakeChannel } | { error: string } {
  const channel = ws.channel(idOrName);
  if (!channel) return { error: 'channel_not_found' };
  if (use === 'post' && channel.archived) return { error: 'is_archived' };
  if (!ws.isBotMember(channel)) return { error: 'not_in_channel' };
  return { channel };
}
