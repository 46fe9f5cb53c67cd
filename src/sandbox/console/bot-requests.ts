import { sendSigned } from '../slack/signing.js';

/** What the bot's request URL answered: its acknowledgement body, or why there was none. */
export type BotAnswer = { ok: true; body: unknown } | { ok: false; error: string };

/**
 * POSTs a signed request to the bot as Slack would. Bolt acknowledges with 200 and an optional
 * body: empty, JSON (a message, or a modal's `response_action`), or plain text.
 */
export async function askBot(botUrl: string, signingSecret: string, body: string): Promise<BotAnswer> {
  let response: Response;
  try {
    response = await sendSigned(botUrl, signingSecret, body);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return { ok: false, error: `the bot is not reachable at ${botUrl} (${cause?.message ?? (error as Error).message})` };
  }
  const text = await response.text();
  if (!response.ok) return { ok: false, error: `the bot answered HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  if (text === '') return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: true, body: text };
  }
}
