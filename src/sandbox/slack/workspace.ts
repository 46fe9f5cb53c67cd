import { EventEmitter } from 'node:events';

/**
 * The state of the fake Slack workspace: channels and users from configuration, the messages and
 * ephemeral answers the bot produced, and every Web API call it made. Plain objects, so a test or
 * the sandbox console can read them directly; changes are announced on the change feed.
 */

export interface FakeChannel {
  id: string;
  name: string;
  /** Whether the bot user is in the channel; true unless set to false. */
  botMember?: boolean;
  /** An archived channel still reads, but refuses new messages. */
  archived?: boolean;
  /** Private channels; by default those with a legacy `G…` ID. */
  isPrivate?: boolean;
}

export interface FakeView {
  id: string;
  triggerId: string;
  view: Record<string, unknown>;
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  isBot?: boolean;
}

export interface FakeBot {
  userId: string;
  botId: string;
  name: string;
}

export interface WorkspaceConfig {
  teamId?: string;
  teamName?: string;
  bot?: FakeBot;
  channels: FakeChannel[];
  users: FakeUser[];
  /** User group ID (S…) → member user IDs. */
  usergroups?: Record<string, string[]>;
  /** Epoch ms; message timestamps derive from it. */
  now?: () => number;
}

export interface FakeMessage extends NewMessage {
  type: 'message';
  channel: string;
  ts: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  via: 'chat.postEphemeral' | 'response_url';
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  ok: boolean;
  error?: string;
}

export interface WorkspaceEvents {
  'message-posted': [FakeMessage];
  'message-updated': [FakeMessage];
  'message-deleted': [FakeMessage];
  ephemeral: [FakeEphemeral];
  'view-opened': [FakeView];
}

export interface NewMessage {
  user: string;
  bot_id?: string;
  text: string;
  blocks?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
}

export const DEFAULT_BOT: FakeBot = { userId: 'U0RELBOT01', botId: 'B0RELBOT01', name: 'release-bot' };

export class FakeWorkspace extends EventEmitter<WorkspaceEvents> {
  readonly teamId: string;
  readonly teamName: string;
  readonly bot: FakeBot;
  readonly channels: FakeChannel[];
  readonly users: FakeUser[];
  readonly usergroups: Record<string, string[]>;
  private readonly now: () => number;
  private readonly byChannel = new Map<string, FakeMessage[]>();
  private readonly ephemeralLog: FakeEphemeral[] = [];
  private readonly viewLog: FakeView[] = [];
  private readonly callLog: RecordedCall[] = [];
  private lastMicros = 0;

  constructor(config: WorkspaceConfig) {
    super();
    this.teamId = config.teamId ?? 'T0SANDBOX1';
    this.teamName = config.teamName ?? 'Sandbox';
    this.bot = config.bot ?? DEFAULT_BOT;
    this.channels = config.channels.map((c) => ({ ...c }));
    const botUser: FakeUser = { id: this.bot.userId, name: this.bot.name, isBot: true };
    this.users = [botUser, ...config.users.filter((u) => u.id !== botUser.id).map((u) => ({ ...u }))];
    this.usergroups = Object.fromEntries(Object.entries(config.usergroups ?? {}).map(([id, members]) => [id, [...members]]));
    this.now = config.now ?? Date.now;
    for (const channel of this.channels) this.byChannel.set(channel.id, []);
  }

  /** By ID, or by name with or without `#`, as chat.postMessage accepts both. */
  channel(idOrName: string): FakeChannel | undefined {
    const name = idOrName.replace(/^#/, '');
    return this.channels.find((c) => c.id === idOrName || c.name === name);
  }

  /** Inviting the bot or removing it, as someone in the workspace would with /invite or /remove. */
  setBotMember(channelId: string, member: boolean): void {
    this.configured(channelId).botMember = member;
  }

  setArchived(channelId: string, archived: boolean): void {
    this.configured(channelId).archived = archived;
  }

  isBotMember(channel: FakeChannel): boolean {
    return channel.botMember !== false;
  }

  user(id: string): FakeUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** Unique and increasing, shaped like Slack's ("1732358400.000100"). */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastMicros + 100);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  find(channel: string, ts: string): FakeMessage | undefined {
    return this.byChannel.get(channel)?.find((m) => m.ts === ts);
  }

  /** Posts into a channel, or into a thread when `thread_ts` names a message (a reply's ts means its thread). */
  post(channel: string, message: NewMessage): FakeMessage {
    const list = this.listOf(channel);
    const root = message.thread_ts === undefined ? undefined : this.find(channel, message.thread_ts);
    if (message.thread_ts !== undefined && !root) throw new Error(`no message ${message.thread_ts} in ${channel}`);
    const posted: FakeMessage = { type: 'message', channel, ts: this.nextTs(), ...message, thread_ts: root ? (root.thread_ts ?? root.ts) : undefined };
    if (posted.thread_ts) {
      const parent = this.find(channel, posted.thread_ts) as FakeMessage;
      parent.thread_ts = parent.ts;
      parent.reply_count = (parent.reply_count ?? 0) + 1;
      parent.reply_users = [...new Set([...(parent.reply_users ?? []), posted.user])];
      parent.latest_reply = posted.ts;
    }
    list.push(posted);
    this.emit('message-posted', posted);
    return posted;
  }

  /** A message typed by a person, for the console and for tests of "only the bot's own messages". */
  postAsUser(channel: string, user: string, text: string, threadTs?: string): FakeMessage {
    return this.post(channel, { user, text, thread_ts: threadTs });
  }

  update(message: FakeMessage, change: { text?: string; blocks?: unknown[]; metadata?: unknown }, editor: string): FakeMessage {
    if (change.text !== undefined) message.text = change.text;
    if (change.blocks !== undefined) message.blocks = change.blocks.length > 0 ? change.blocks : undefined;
    if (change.metadata !== undefined) message.metadata = change.metadata;
    message.edited = { user: editor, ts: this.nextTs() };
    this.emit('message-updated', message);
    return message;
  }

  remove(message: FakeMessage): void {
    const list = this.listOf(message.channel);
    list.splice(list.indexOf(message), 1);
    this.emit('message-deleted', message);
  }

  addEphemeral(ephemeral: Omit<FakeEphemeral, 'ts'>): FakeEphemeral {
    const recorded = { ...ephemeral, ts: this.nextTs() };
    this.ephemeralLog.push(recorded);
    this.emit('ephemeral', recorded);
    return recorded;
  }

  /** A modal opened with views.open; the console shows it to the user who clicked. */
  openView(triggerId: string, view: Record<string, unknown>): FakeView {
    const opened = { id: `V${String(this.viewLog.length + 1).padStart(8, '0')}`, triggerId, view };
    this.viewLog.push(opened);
    this.emit('view-opened', opened);
    return opened;
  }

  views(): FakeView[] {
    return [...this.viewLog];
  }

  recordCall(call: Omit<RecordedCall, 'at'>): void {
    this.callLog.push({ ...call, at: this.now() });
  }

  /** Top-level messages of a channel (thread parents included, replies not), oldest first. */
  messages(channel: string): FakeMessage[] {
    return this.listOf(channel).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
  }

  /** The replies in a thread, oldest first, without the parent. */
  thread(channel: string, ts: string): FakeMessage[] {
    return this.listOf(channel).filter((m) => m.thread_ts === ts && m.ts !== ts);
  }

  ephemerals(user: string): FakeEphemeral[] {
    return this.ephemeralLog.filter((e) => e.user === user);
  }

  /** Every call of a method (or of all methods), oldest first, rate-limited and failed ones included. */
  calls(method?: string): RecordedCall[] {
    return method === undefined ? [...this.callLog] : this.callLog.filter((c) => c.method === method);
  }

  private configured(channelId: string): FakeChannel {
    const found = this.channels.find((c) => c.id === channelId);
    if (!found) throw new Error(`no channel ${channelId}`);
    return found;
  }

  private listOf(channel: string): FakeMessage[] {
    const list = this.byChannel.get(channel);
    if (!list) throw new Error(`no channel ${channel}`);
    return list;
  }
}
