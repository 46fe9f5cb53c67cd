import type { Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/web-api';
import { LIMITS, truncate } from '../limits.js';

/** What every renderer returns: blocks, and the fallback text Slack shows in notifications. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

export function section(mrkdwn: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn, LIMITS.sectionText) } };
}

/** Label/value pairs shown in two columns; labels are bold. */
export function fields(pairs: [label: string, value: string][]): SectionBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, LIMITS.sectionFields).map(([label, value]) => ({
      type: 'mrkdwn',
      text: truncate(`*${label}*\n${value}`, LIMITS.fieldText),
    })),
  };
}

export function context(...mrkdwn: string[]): ContextBlock {
  return {
    type: 'context',
    elements: mrkdwn.slice(0, LIMITS.contextElements).map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) })),
  };
}

/** Short messages: the same mrkdwn serves as the blocks and as the notification text. */
export function textMessage(mrkdwn: string): SlackMessage {
  return { text: truncate(mrkdwn, LIMITS.sectionText), blocks: [section(mrkdwn)] };
}

/** A button whose `value` is what the handler needs to find its deploy (the deploy id). */
export function button(actionId: string, text: string, value: string, extra: Partial<Button> = {}): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: truncate(text, LIMITS.buttonText), emoji: true }, value, ...extra };
}

/** The dialog Slack shows before a button's action is sent. */
export function confirm(title: string, text: string, confirmLabel: string, style: 'primary' | 'danger'): NonNullable<Button['confirm']> {
  return {
    title: { type: 'plain_text', text: truncate(title, LIMITS.confirmTitle) },
    text: { type: 'plain_text', text: truncate(text, LIMITS.confirmText) },
    confirm: { type: 'plain_text', text: truncate(confirmLabel, LIMITS.confirmButtonText) },
    deny: { type: 'plain_text', text: 'Cancel' },
    style,
  };
}

/**
 * Packs lines into as few sections as possible without splitting a line, stopping before the
 * message would pass its block or total-text budget. Returns the sections and how many lines fit.
 */
export function packLines(lines: string[], budget: { blocks: number; chars: number }): { sections: SectionBlock[]; fitted: number } {
  const sections: SectionBlock[] = [];
  let current = '';
  let used = 0;
  let fitted = 0;
  for (const raw of lines) {
    const line = truncate(raw, LIMITS.sectionText);
    const appends = current !== '' && current.length + 1 + line.length <= LIMITS.sectionText;
    const startsNew = current !== '' && !appends;
    if (sections.length + (startsNew ? 2 : 1) > budget.blocks) break;
    const cost = appends ? line.length + 1 : line.length;
    if (used + cost > budget.chars) break;
    if (startsNew) sections.push(section(current));
    current = appends ? `${current}\n${line}` : line;
    used += cost;
    fitted += 1;
  }
  if (current) sections.push(section(current));
  return { sections, fitted };
}
