import type { WebClient } from '@slack/web-api';

/**
 * Slack stamps a message with its own clock; a bot host whose clock runs ahead of it must still
 * find a message posted just after the time it wrote down.
 */
const CLOCK_SKEW_MS = 60_000;

/** The Slack message metadata the bot posts with a message, so that it can find that message again. */
export interface PostedMark {
  event_type: string;
  event_payload: Record<string, string>;
}

export interface Where {
  channel: string;
  /** Look among this thread's replies instead of the channel's messages. */
  threadTs?: string;
  /** Epoch ms before which the message cannot have been posted. */
  since: number;
}

const carries = (metadata: { event_type?: string; event_payload?: unknown } | undefined, mark: PostedMark) => {
  if (metadata?.event_type !== mark.event_type) return false;
  const payload = (metadata.event_payload ?? {}) as Record<string, unknown>;
  return Object.entries(mark.event_payload).every(([key, value]) => payload[key] === value);
};

/**
 * The ts of a message that carries `mark` (its event type and at least its payload's fields),
 * posted since `where.since`, or null. Needs the history scope of the channel's kind; Slack
 * returns metadata only to a reader that asks for all of it.
 */
export async function findPosted(client: WebClient, where: Where, mark: PostedMark): Promise<string | null> {
  const oldest = String(Math.floor((where.since - CLOCK_SKEW_MS) / 1000));
  let cursor: string | undefined;
  do {
    const query = { channel: where.channel, oldest, include_all_metadata: true, limit: 200, cursor };
    const page = where.threadTs === undefined ? await client.conversations.history(query) : await client.conversations.replies({ ...query, ts: where.threadTs });
    const posted = page.messages?.find((m) => carries(m.metadata, mark));
    if (posted?.ts) return posted.ts;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return null;
}
