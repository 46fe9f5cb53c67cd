import { escape } from '../../slack/blocks/mrkdwn.js';
import type { FakeSlack } from '../slack/server.js';
import { blockActionsBody, slashCommandBody, viewSubmissionBody } from '../slack/signing.js';
import type { FakeChannel, FakeUser } from '../slack/workspace.js';
import { findButton } from './block-ids.js';
import { askBot } from './bot-requests.js';
import type { EventStream } from './event-stream.js';
import type { OpenViews } from './open-views.js';

/** What the console answers the page: an HTTP status and a JSON body. */
export interface ApiReply {
  status: number;
  body: Record<string, unknown>;
}

export interface ConsoleApiDeps {
  slack: FakeSlack;
  botUrl: string;
  signingSecret: string;
  views: OpenViews;
  events: EventStream;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const done = (extra: Json = {}): ApiReply => ({ status: 200, body: { ok: true, ...extra } });
const refused = (status: number, error: string): ApiReply => ({ status, body: { ok: false, error } });

const SLASH_COMMAND = /^(\/[a-z0-9_-]+)(?:\s+([\s\S]*))?$/i;

/** Slack's `action_ts`: seconds with microseconds. */
const actionTs = () => (Date.now() / 1000).toFixed(6);

/** The four things a person does in the console, each turned into what Slack would send the bot. */
export class ConsoleApi {
  constructor(private readonly deps: ConsoleApiDeps) {}

  private get workspace() {
    return this.deps.slack.workspace;
  }

  /** A slash command goes to the bot, signed; anything else is a plain message in the channel. */
  async compose(user: FakeUser, channel: FakeChannel, typed: string): Promise<ApiReply> {
    const slash = SLASH_COMMAND.exec(typed.trim());
    if (!slash) {
      // Slack's clients escape what people type before it becomes message text.
      this.workspace.postAsUser(channel.id, user.id, escape(typed));
      return done();
    }
    const [, command, args = ''] = slash;
    const body = slashCommandBody({
      command,
      text: args.trim(),
      user_id: user.id,
      user_name: user.name,
      channel_id: channel.id,
      channel_name: channel.name,
      team_id: this.workspace.teamId,
      response_url: this.deps.slack.createResponseUrl({ user: user.id, channel: channel.id }),
      trigger_id: this.deps.views.newTrigger(user.id),
    });
    const answer = await askBot(this.deps.botUrl, this.deps.signingSecret, body);
    if (!answer.ok) return refused(502, `${command} failed: ${answer.error}`);
    this.showAcknowledgement(user, channel, answer.body);
    return done();
  }

  /** A button click, as the `block_actions` payload Slack sends for the message as it is now. */
  async click(user: FakeUser, channel: FakeChannel, target: { ts: string; blockIndex: number; actionId: string; ephemeral: boolean }): Promise<ApiReply> {
    const ws = this.workspace;
    const posted = target.ephemeral ? undefined : ws.find(channel.id, target.ts);
    const message = posted ?? (target.ephemeral ? ws.ephemerals(user.id).find((e) => e.channel === channel.id && e.ts === target.ts) : undefined);
    if (!message) return refused(404, 'That message is gone.');
    const found = findButton(message.blocks ?? [], target.blockIndex, target.actionId);
    if (!found) return refused(409, 'That button is no longer in the message.');
    const { button, blockId } = found;
    const threadTs = message.thread_ts !== undefined && message.thread_ts !== message.ts ? message.thread_ts : undefined;
    // Ephemerals carry their recipient, not their author; only the bot sends them.
    const author = posted ? { user: posted.user, ...(posted.bot_id ? { bot_id: posted.bot_id } : {}) } : { user: ws.bot.userId, bot_id: ws.bot.botId };
    const body = blockActionsBody({
      user: { id: user.id, username: user.name, name: user.name, team_id: ws.teamId },
      channel: { id: channel.id, name: channel.name },
      message: { ts: message.ts, text: message.text, blocks: message.blocks ?? [], ...author, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
      container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: target.ephemeral, ...(threadTs ? { thread_ts: threadTs } : {}) },
      actions: [
        {
          type: 'button',
          action_id: target.actionId,
          block_id: blockId,
          value: typeof button.value === 'string' ? button.value : '',
          action_ts: actionTs(),
          ...(isObject(button.text) ? { text: button.text as { type: 'plain_text'; text: string } } : {}),
          ...(button.style === 'primary' || button.style === 'danger' ? { style: button.style } : {}),
        },
      ],
      response_url: this.deps.slack.createResponseUrl({ user: user.id, channel: channel.id, messageTs: message.ts, threadTs }),
      trigger_id: this.deps.views.newTrigger(user.id),
    });
    const answer = await askBot(this.deps.botUrl, this.deps.signingSecret, body);
    return answer.ok ? done() : refused(502, `Your click did not reach the bot: ${answer.error}`);
  }

  /** A modal's submit button: `view_submission` with the typed values, then whatever `response_action` the bot chose. */
  async submitView(user: FakeUser, viewId: string, typed: Record<string, Record<string, string>>): Promise<ApiReply> {
    const open = this.deps.views.get(viewId, user.id);
    if (!open) return refused(404, 'That dialog is closed.');
    const values: Record<string, Record<string, { type: string; value: string | null }>> = {};
    for (const block of Array.isArray(open.view.blocks) ? open.view.blocks : []) {
      if (!isObject(block) || block.type !== 'input' || !isObject(block.element)) continue;
      const blockId = String(block.block_id);
      const actionId = String(block.element.action_id);
      const value = typed[blockId]?.[actionId] ?? '';
      values[blockId] = { [actionId]: { type: String(block.element.type), value: value === '' ? null : value } };
    }
    const view = {
      ...open.view,
      id: open.id,
      callback_id: String(open.view.callback_id ?? ''),
      private_metadata: String(open.view.private_metadata ?? ''),
      state: { values },
    };
    const body = viewSubmissionBody({ user: { id: user.id, team_id: this.workspace.teamId }, view, trigger_id: this.deps.views.newTrigger(user.id) });
    const answer = await askBot(this.deps.botUrl, this.deps.signingSecret, body);
    if (!answer.ok) return refused(502, `The bot did not take your answer: ${answer.error}`);
    const response = isObject(answer.body) ? answer.body : {};
    if (response.response_action === 'errors' && isObject(response.errors)) return done({ errors: response.errors });
    // The console shows one modal at a time: a pushed view takes the place of the current one.
    if ((response.response_action === 'update' || response.response_action === 'push') && isObject(response.view)) {
      return done({ view: this.deps.views.replace(open.id, response.view) });
    }
    const closed = response.response_action === 'clear' ? this.deps.views.closeAll(user.id) : [open.id];
    this.closeViews(user, closed);
    return done({ closed });
  }

  /** Cancel or ×: Slack tells the bot only when the modal asked for it with `notify_on_close`, which the bot never does. */
  closeView(user: FakeUser, viewId: string): ApiReply {
    if (!this.deps.views.get(viewId, user.id)) return refused(404, 'That dialog is closed.');
    this.closeViews(user, [viewId]);
    return done({ closed: [viewId] });
  }

  private closeViews(user: FakeUser, ids: string[]): void {
    for (const id of ids) {
      this.deps.views.close(id);
      this.deps.events.publish('view-closed', { id }, user.id);
    }
  }

  /** A command acknowledged with a body: Slack shows it at once, to the person unless `in_channel`. */
  private showAcknowledgement(user: FakeUser, channel: FakeChannel, body: unknown): void {
    const message = typeof body === 'string' ? { text: body } : isObject(body) ? body : {};
    const text = typeof message.text === 'string' ? message.text : '';
    const blocks = Array.isArray(message.blocks) ? (message.blocks as unknown[]) : undefined;
    if (text === '' && !blocks?.length) return;
    const ws = this.workspace;
    if (message.response_type === 'in_channel') ws.post(channel.id, { user: ws.bot.userId, bot_id: ws.bot.botId, text, blocks });
    else ws.addEphemeral({ channel: channel.id, user: user.id, text, blocks, via: 'response_url' });
  }
}
