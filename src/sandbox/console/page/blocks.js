import { escapeHtml, mrkdwnToHtml } from './mrkdwn.js';

/**
 * Block Kit to HTML, for every block and element the bot sends: header, section (text, fields,
 * button accessory), context, divider, actions with buttons, and in modals input with
 * plain_text_input. Anything else is shown as unsupported rather than silently dropped.
 * Buttons carry their block index and action ID; the page finds the button's JSON from those.
 */

export function textHtml(text, names) {
  if (!text || typeof text.text !== 'string') return '';
  return text.type === 'mrkdwn' ? mrkdwnToHtml(text.text, names) : escapeHtml(text.text).replace(/\n/g, '<br>');
}

const unsupported = (what) => `<div class="bk-unsupported">Unsupported in this console: ${escapeHtml(what)}</div>`;

export function buttonHtml(button, blockIndex) {
  const style = button.style === 'primary' || button.style === 'danger' ? ` bk-${button.style}` : '';
  return (
    `<button type="button" class="bk-button${style}" data-block-index="${blockIndex}" data-action-id="${escapeHtml(button.action_id ?? '')}">` +
    `${escapeHtml(button.text?.text ?? '')}</button>`
  );
}

function elementHtml(element, blockIndex, names) {
  if (element?.type === 'button') return buttonHtml(element, blockIndex);
  if (element?.type === 'image') return `<img class="bk-image" src="${escapeHtml(element.image_url)}" alt="${escapeHtml(element.alt_text ?? '')}">`;
  if (element?.type === 'mrkdwn' || element?.type === 'plain_text') return `<span class="bk-context-text">${textHtml(element, names)}</span>`;
  return unsupported(`element ${element?.type}`);
}

function sectionHtml(block, index, names) {
  const text = block.text ? `<div class="bk-text">${textHtml(block.text, names)}</div>` : '';
  const fields = Array.isArray(block.fields) ? `<div class="bk-fields">${block.fields.map((f) => `<div class="bk-field">${textHtml(f, names)}</div>`).join('')}</div>` : '';
  const accessory = block.accessory ? `<div class="bk-accessory">${elementHtml(block.accessory, index, names)}</div>` : '';
  return `<div class="bk-section"><div class="bk-section-main">${text}${fields}</div>${accessory}</div>`;
}

function inputHtml(block, names) {
  const element = block.element ?? {};
  if (element.type !== 'plain_text_input') return unsupported(`input element ${element.type}`);
  const id = `bk-input-${block.block_id}-${element.action_id}`.replace(/[^\w-]/g, '_');
  const attributes = [
    `id="${escapeHtml(id)}"`,
    `data-block-id="${escapeHtml(block.block_id)}"`,
    `data-action-id="${escapeHtml(element.action_id)}"`,
    element.min_length ? `data-min-length="${Number(element.min_length)}"` : '',
    element.max_length ? `maxlength="${Number(element.max_length)}"` : '',
    block.optional ? 'data-optional' : '',
    element.placeholder ? `placeholder="${escapeHtml(element.placeholder.text)}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const initial = escapeHtml(element.initial_value ?? '');
  const field = element.multiline ? `<textarea ${attributes} rows="4">${initial}</textarea>` : `<input type="text" ${attributes} value="${initial}">`;
  const optional = block.optional ? ' <span class="bk-optional">(optional)</span>' : '';
  const hint = block.hint ? `<div class="bk-hint">${textHtml(block.hint, names)}</div>` : '';
  return (
    `<div class="bk-input" data-block-id="${escapeHtml(block.block_id)}">` +
    `<label for="${escapeHtml(id)}">${textHtml(block.label, names)}${optional}</label>${field}${hint}` +
    `<div class="bk-input-error" hidden></div></div>`
  );
}

export function blockHtml(block, index, names) {
  switch (block?.type) {
    case 'header':
      return `<div class="bk-header">${textHtml(block.text, names)}</div>`;
    case 'section':
      return sectionHtml(block, index, names);
    case 'context':
      return `<div class="bk-context">${(block.elements ?? []).map((e) => elementHtml(e, index, names)).join('')}</div>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'actions':
      return `<div class="bk-actions">${(block.elements ?? []).map((e) => elementHtml(e, index, names)).join('')}</div>`;
    case 'image':
      return `<img class="bk-image-block" src="${escapeHtml(block.image_url)}" alt="${escapeHtml(block.alt_text ?? '')}">`;
    case 'input':
      return inputHtml(block, names);
    default:
      return unsupported(`block ${block?.type}`);
  }
}

export function blocksHtml(blocks, names) {
  return blocks.map((block, i) => blockHtml(block, i, names)).join('');
}

/** A message shows its blocks; without blocks Slack shows its text as mrkdwn. */
export function messageBodyHtml(message, names) {
  if (Array.isArray(message.blocks) && message.blocks.length > 0) return blocksHtml(message.blocks, names);
  return `<div class="bk-text">${mrkdwnToHtml(message.text ?? '', names)}</div>`;
}
