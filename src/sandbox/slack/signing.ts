import { createHmac } from 'node:crypto';

/**
 * Requests as Slack sends them to an app over HTTP: signed form bodies for slash commands and
 * button clicks. Tests and the sandbox console use these to talk to the real Bolt receiver.
 */

/** Bolt answers 400 to anything else, even with a `;charset=` suffix. */
export const SLACK_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SignedHeaders {
  'Content-Type': string;
  'X-Slack-Signature': string;
  'X-Slack-Request-Timestamp': string;
}

export function signSlackRequest(secret: string, body: string, timestampSeconds: number = Math.floor(Date.now() / 1000)): SignedHeaders {
  const signature = createHmac('sha256', secret).update(`v0:${timestampSeconds}:${body}`).digest('hex');
  return {
    'Content-Type': SLACK_FORM_CONTENT_TYPE,
    'X-Slack-Signature': `v0=${signature}`,
    'X-Slack-Request-Timestamp': String(timestampSeconds),
  };
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  team_id: string;
  response_url: string;
  trigger_id: string;
  channel_name?: string;
  team_domain?: string;
  api_app_id?: string;
}

/** The form body of a slash command invocation. */
export function slashCommandBody(fields: SlashCommandFields): string {
  const all: Record<string, string | undefined> = {
    team_domain: 'sandbox',
    channel_name: fields.channel_id,
    api_app_id: 'A0SANDBOX1',
    is_enterprise_install: 'false',
    ...fields,
  };
  return new URLSearchParams(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
}

export interface ClickedButton {
  action_id: string;
  block_id: string;
  value: string;
  type: 'button';
  action_ts: string;
  text?: { type: 'plain_text'; text: string; emoji?: boolean };
  style?: 'primary' | 'danger';
}

export interface BlockActionsFields {
  user: { id: string; username?: string; name?: string; team_id?: string };
  channel: { id: string; name?: string };
  message: { ts: string; blocks: unknown[]; text?: string; user?: string; bot_id?: string; thread_ts?: string };
  container?: { type: 'message'; message_ts: string; channel_id: string; is_ephemeral: boolean; thread_ts?: string };
  actions: ClickedButton[];
  response_url: string;
  trigger_id: string;
  team?: { id: string; domain: string };
  api_app_id?: string;
}

/** The JSON payload of a button click, wrapped as Slack sends it: a form with one field, `payload`. */
export function blockActionsBody(fields: BlockActionsFields): string {
  const team = fields.team ?? { id: fields.user.team_id ?? 'T0SANDBOX1', domain: 'sandbox' };
  const payload = {
    type: 'block_actions',
    user: { username: fields.user.id, name: fields.user.id, team_id: team.id, ...fields.user },
    api_app_id: fields.api_app_id ?? 'A0SANDBOX1',
    container: fields.container ?? {
      type: 'message',
      message_ts: fields.message.ts,
      channel_id: fields.channel.id,
      is_ephemeral: false,
      ...(fields.message.thread_ts ? { thread_ts: fields.message.thread_ts } : {}),
    },
    trigger_id: fields.trigger_id,
    team,
    enterprise: null,
    is_enterprise_install: false,
    channel: { name: fields.channel.id, ...fields.channel },
    message: { type: 'message', text: '', ...fields.message },
    state: { values: {} },
    response_url: fields.response_url,
    actions: fields.actions,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a body to an app's request URL, signed with its signing secret. */
export function sendSigned(url: string, secret: string, body: string, timestampSeconds?: number): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...signSlackRequest(secret, body, timestampSeconds) }, body });
}

export interface ViewSubmissionFields {
  user: { id: string; team_id?: string };
  view: { id: string; callback_id: string; private_metadata?: string; state: { values: Record<string, Record<string, { type: string; value: string | null }>> } };
  trigger_id?: string;
}

/** A modal's submission, as Slack sends it when the user presses the submit button. */
export function viewSubmissionBody(fields: ViewSubmissionFields): string {
  const teamId = fields.user.team_id ?? 'T0SANDBOX1';
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: 'sandbox' },
    user: { id: fields.user.id, username: fields.user.id, name: fields.user.id, team_id: teamId },
    api_app_id: 'A0SANDBOX1',
    trigger_id: fields.trigger_id ?? `${Date.now()}.trigger`,
    view: { type: 'modal', team_id: teamId, app_id: 'A0SANDBOX1', hash: 'h', private_metadata: '', ...fields.view },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
