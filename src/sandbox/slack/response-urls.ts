import { randomBytes } from 'node:crypto';
import { fail, hasContent, isFailure, readContent, type ApiResult, type Args } from './web-api.js';
import type { FakeWorkspace } from './workspace.js';

/** Who and where a response URL answers: the user who typed the command or clicked, and where. */
export interface ResponseTarget {
  user: string;
  channel: string;
  /** The message whose button was clicked; `replace_original` and `delete_original` act on it. */
  messageTs?: string;
  threadTs?: string;
}

/** Slack accepts at most five posts to one response URL. */
const MAX_USES = 5;

const flag = (value: unknown) => value === true || value === 'true';

export class ResponseUrls {
  private readonly targets = new Map<string, { target: ResponseTarget; uses: number }>();

  constructor(private readonly workspace: FakeWorkspace) {}

  create(target: ResponseTarget): string {
    const id = randomBytes(8).toString('hex');
    this.targets.set(id, { target: { ...target }, uses: 0 });
    return id;
  }

  /** Handles one POST to a response URL: an ephemeral answer, an in-channel message, or an edit of the original. */
  respond(id: string, body: Args): { status: number; result: ApiResult } {
    const entry = this.targets.get(id);
    if (!entry) return { status: 404, result: fail('expired_url') };
    if (entry.uses >= MAX_USES) return { status: 404, result: fail('used_url') };
    entry.uses += 1;
    const { target } = entry;
    const ws = this.workspace;
    const original = target.messageTs === undefined ? undefined : ws.find(target.channel, target.messageTs);
    if (flag(body.delete_original)) {
      if (!original) return { status: 404, result: fail('message_not_found') };
      ws.remove(original);
      return { status: 200, result: { ok: true } };
    }
    const content = readContent(body);
    if (isFailure(content)) return { status: 400, result: content };
    if (!hasContent(content)) return { status: 400, result: fail('no_text') };
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : target.threadTs;
    if (flag(body.replace_original) && original) {
      ws.update(original, { text: content.text ?? '', blocks: content.blocks ?? [] }, ws.bot.userId);
    } else if (body.response_type === 'in_channel') {
      if (threadTs !== undefined && !ws.find(target.channel, threadTs)) return { status: 400, result: fail('thread_not_found') };
      ws.post(target.channel, { user: ws.bot.userId, bot_id: ws.bot.botId, text: content.text ?? '', blocks: content.blocks, thread_ts: threadTs });
    } else {
      ws.addEphemeral({ channel: target.channel, user: target.user, text: content.text ?? '', blocks: content.blocks, thread_ts: threadTs, via: 'response_url' });
    }
    return { status: 200, result: { ok: true } };
  }
}
