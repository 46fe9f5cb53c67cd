import { describeBlockProblem, validateBlocks } from '../../slack/blocks/validate.js';
import { channelFor } from './channel-access.js';
import { conversationJson } from './conversation-info.js';
import type { FakeMessage, FakeWorkspace } from './workspace.js';

/**
 * The Web API methods the bot uses, answering as Slack does: `{ ok: true, ... }` or
 * `{ ok: false, error }` with Slack's error codes.
 */

export type Args = Record<string, unknown>;
export type ApiResult = { ok: boolean; error?: string; [key: string]: unknown };
export type MethodHandler = (workspace: FakeWorkspace, args: Args, baseUrl: string) => ApiResult;

export const fail = (error: string, extra: Record<string, unknown> = {}): ApiResult => ({ ok: false, error, ...extra });

const text = (args: Args, name: string): string | undefined => {
  const value = args[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
};

/** Form bodies carry JSON fields as strings; JSON bodies carry them as values. */
function jsonArg(args: Args, name: string): { value?: unknown; error?: true } {
  const raw = args[name];
  if (typeof raw !== 'string') return { value: raw };
  try {
    return { value: JSON.parse(raw) };
  } catch {
    return { error: true };
  }
}

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  metadata?: unknown;
}

/** Reads text, blocks and metadata the way chat.postMessage and response URLs do, with Slack's errors. */
export function readContent(args: Args): MessageContent | ApiResult {
  const blocks = jsonArg(args, 'blocks');
  if (blocks.error || (blocks.value !== undefined && !Array.isArray(blocks.value))) return fail('invalid_blocks_format');
  if (Array.isArray(blocks.value)) {
    const problems = validateBlocks(blocks.value);
    if (problems.length > 0) {
      const error = problems.some((p) => p.error === 'msg_blocks_too_long') ? 'msg_blocks_too_long' : 'invalid_blocks';
      return fail(error, { errors: problems.map(describeBlockProblem), response_metadata: { messages: problems.map((p) => `[ERROR] ${describeBlockProblem(p)}`) } });
    }
  }
  const metadata = jsonArg(args, 'metadata');
  if (metadata.error) return fail('invalid_metadata_format');
  return { text: text(args, 'text'), blocks: blocks.value as unknown[] | undefined, metadata: metadata.value };
}

export const isFailure = (value: MessageContent | ApiResult): value is ApiResult => 'ok' in value;

export const hasContent = (content: MessageContent) => Boolean(content.text) || (content.blocks?.length ?? 0) > 0;

function permalink(baseUrl: string, message: FakeMessage): string {
  const base = `${baseUrl}/archives/${message.channel}/p${message.ts.replace('.', '')}`;
  const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  return inThread ? `${base}?thread_ts=${message.thread_ts}&cid=${message.channel}` : base;
}

const flag = (args: Args, name: string) => ['true', '1'].includes(text(args, name) ?? '');

/** A message ts ("1732358400.000100", or whole seconds as `oldest` often is) in microseconds, exactly. */
function micros(ts: string): bigint {
  const [seconds, fraction = ''] = ts.split('.');
  return BigInt(seconds || '0') * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
}

/** The `oldest` / `latest` window of conversations.history and .replies, exclusive unless `inclusive`. */
function inWindow(args: Args): (message: FakeMessage) => boolean {
  const oldest = micros(text(args, 'oldest') ?? '0');
  const latest = text(args, 'latest');
  const newest = latest === undefined ? undefined : micros(latest);
  const inclusive = flag(args, 'inclusive');
  return (message) => {
    const at = micros(message.ts);
    const afterOldest = inclusive ? at >= oldest : at > oldest;
    const beforeLatest = newest === undefined || (inclusive ? at <= newest : at < newest);
    return afterOldest && beforeLatest;
  };
}

const withoutMetadata = ({ metadata: _metadata, ...message }: FakeMessage) => message;

function page(messages: FakeMessage[], args: Args): ApiResult {
  const limit = Math.min(Math.max(Number(text(args, 'limit') ?? 100) || 100, 1), 1000);
  const start = Number(text(args, 'cursor') ?? 0) || 0;
  // Slack reads message metadata back only to a caller that asks for it.
  const slice = messages.slice(start, start + limit).map((m) => (flag(args, 'include_all_metadata') ? m : withoutMetadata(m)));
  const hasMore = start + limit < messages.length;
  return { ok: true, messages: slice, has_more: hasMore, response_metadata: { next_cursor: hasMore ? String(start + limit) : '' } };
}

function userInfo(workspace: FakeWorkspace, id: string) {
  const user = workspace.user(id);
  if (!user) return undefined;
  const realName = user.realName ?? user.name;
  return {
    id: user.id,
    team_id: workspace.teamId,
    name: user.name,
    real_name: realName,
    deleted: false,
    is_bot: user.isBot ?? false,
    profile: { real_name: realName, display_name: user.name },
  };
}

export const METHODS: Record<string, MethodHandler> = {
  'auth.test': (ws, _args, baseUrl) => ({
    ok: true,
    url: `${baseUrl}/`,
    team: ws.teamName,
    user: ws.bot.name,
    team_id: ws.teamId,
    user_id: ws.bot.userId,
    bot_id: ws.bot.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (ws, args) => {
    const access = channelFor(ws, text(args, 'channel') ?? '', 'post');
    if ('error' in access) return fail(access.error);
    const { channel } = access;
    const content = readContent(args);
    if (isFailure(content)) return content;
    if (!hasContent(content)) return fail('no_text');
    const threadTs = text(args, 'thread_ts') || undefined;
    if (threadTs !== undefined && !ws.find(channel.id, threadTs)) return fail('thread_not_found');
    const message = ws.post(channel.id, { user: ws.bot.userId, bot_id: ws.bot.botId, text: content.text ?? '', blocks: content.blocks, metadata: content.metadata, thread_ts: threadTs });
    return { ok: true, channel: channel.id, ts: message.ts, message };
  },

  'chat.update': (ws, args) => {
    const channel = ws.channel(text(args, 'channel') ?? '');
    if (!channel) return fail('channel_not_found');
    const message = ws.find(channel.id, text(args, 'ts') ?? '');
    if (!message) return fail('message_not_found');
    if (message.user !== ws.bot.userId) return fail('cant_update_message');
    const content = readContent(args);
    if (isFailure(content)) return content;
    if (content.text === undefined && content.blocks === undefined) return fail('no_text');
    ws.update(message, content, ws.bot.userId);
    return { ok: true, channel: channel.id, ts: message.ts, text: message.text, message };
  },

  'chat.postEphemeral': (ws, args) => {
    const channel = ws.channel(text(args, 'channel') ?? '');
    if (!channel) return fail('channel_not_found');
    const user = text(args, 'user') ?? '';
    if (!ws.user(user)) return fail('user_not_found');
    const content = readContent(args);
    if (isFailure(content)) return content;
    if (!hasContent(content)) return fail('no_text');
    const ephemeral = ws.addEphemeral({ channel: channel.id, user, text: content.text ?? '', blocks: content.blocks, thread_ts: text(args, 'thread_ts'), via: 'chat.postEphemeral' });
    return { ok: true, message_ts: ephemeral.ts };
  },

  'chat.getPermalink': (ws, args, baseUrl) => {
    const channel = ws.channel(text(args, 'channel') ?? '');
    if (!channel) return fail('channel_not_found');
    const message = ws.find(channel.id, text(args, 'message_ts') ?? '');
    if (!message) return fail('message_not_found');
    return { ok: true, channel: channel.id, permalink: permalink(baseUrl, message) };
  },

  'conversations.history': (ws, args) => {
    const access = channelFor(ws, text(args, 'channel') ?? '', 'read');
    if ('error' in access) return fail(access.error);
    const { channel } = access;
    return page([...ws.messages(channel.id)].filter(inWindow(args)).reverse(), args);
  },

  'conversations.replies': (ws, args) => {
    const access = channelFor(ws, text(args, 'channel') ?? '', 'read');
    if ('error' in access) return fail(access.error);
    const { channel } = access;
    const message = ws.find(channel.id, text(args, 'ts') ?? '');
    if (!message) return fail('thread_not_found');
    const root = ws.find(channel.id, message.thread_ts ?? message.ts) as FakeMessage;
    return page([root, ...ws.thread(channel.id, root.ts).filter(inWindow(args))], args);
  },

  'conversations.info': (ws, args) => {
    // Unlike chat.postMessage, it takes only an ID: "#name" is channel_not_found.
    const id = text(args, 'channel') ?? '';
    const channel = ws.channels.find((c) => c.id === id);
    return channel ? { ok: true, channel: conversationJson(ws, channel) } : fail('channel_not_found');
  },

  'usergroups.users.list': (ws, args) => {
    const members = ws.usergroups[text(args, 'usergroup') ?? ''];
    if (!members) return fail('no_such_subteam');
    return { ok: true, users: [...members] };
  },

  'views.open': (ws, args) => {
    const triggerId = text(args, 'trigger_id');
    if (!triggerId) return fail('invalid_trigger_id');
    const view = jsonArg(args, 'view');
    if (view.error || typeof view.value !== 'object' || view.value === null) return fail('invalid_arguments');
    const title = (view.value as { title?: { text?: string } }).title?.text ?? '';
    if (title.length === 0 || title.length > 24) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] title must be 1-24 characters'] } });
    const opened = ws.openView(triggerId, view.value as Record<string, unknown>);
    return { ok: true, view: { id: opened.id, ...opened.view } };
  },

  'users.info': (ws, args) => {
    const user = userInfo(ws, text(args, 'user') ?? '');
    return user ? { ok: true, user } : fail('user_not_found');
  },
};
