import { blocksHtml, textHtml } from './blocks.js';
import { escapeHtml } from './mrkdwn.js';

/** Slack's confirmation dialog before a button acts. Resolves true on confirm; deny, Escape and × do nothing. */
export function confirmDialog(dialog, confirm, names) {
  const style = confirm.style === 'danger' ? 'bk-danger' : 'bk-primary';
  dialog.innerHTML =
    `<form method="dialog" class="dialog-form">` +
    `<header class="dialog-header"><h2>${escapeHtml(confirm.title?.text ?? 'Are you sure?')}</h2>` +
    `<button value="deny" class="dialog-x" aria-label="Close">×</button></header>` +
    `<div class="dialog-body">${textHtml(confirm.text, names)}</div>` +
    `<footer class="dialog-footer"><button value="deny" class="bk-button">${escapeHtml(confirm.deny?.text ?? 'Cancel')}</button>` +
    `<button value="confirm" class="bk-button ${style}">${escapeHtml(confirm.confirm?.text ?? 'Yes')}</button></footer></form>`;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

/** What Slack's client checks before it sends a submission: required fields and minimum lengths. */
function inputProblems(form) {
  const problems = {};
  for (const field of form.querySelectorAll('[data-action-id]')) {
    const value = field.value.trim();
    const min = Number(field.dataset.minLength ?? 0);
    if (value === '' && !('optional' in field.dataset)) problems[field.dataset.blockId] = 'Please complete this required field.';
    else if (value !== '' && value.length < min) problems[field.dataset.blockId] = `Please enter at least ${min} characters.`;
  }
  return problems;
}

function showProblems(form, problems) {
  for (const box of form.querySelectorAll('.bk-input')) {
    const error = box.querySelector('.bk-input-error');
    const problem = problems[box.dataset.blockId];
    error.hidden = problem === undefined;
    error.textContent = problem ?? '';
    box.classList.toggle('bk-input-invalid', problem !== undefined);
  }
}

function typedValues(form) {
  const values = {};
  for (const field of form.querySelectorAll('[data-action-id]')) {
    values[field.dataset.blockId] = { ...values[field.dataset.blockId], [field.dataset.actionId]: field.value };
  }
  return values;
}

/**
 * A modal the bot opened with views.open. `submit(values)` resolves to `{ errors }` (shown under
 * the inputs, the modal stays), `{ error }` (shown at the bottom) or nothing; `close()` is Cancel,
 * × and Escape.
 */
export function openModal(dialog, view, names, { submit, close }) {
  const submitLabel = view.submit?.text;
  dialog.innerHTML =
    `<form class="dialog-form modal-form" novalidate>` +
    `<header class="dialog-header"><h2>${escapeHtml(view.title?.text ?? '')}</h2><button type="button" class="dialog-x" data-close aria-label="Close">×</button></header>` +
    `<div class="dialog-body">${blocksHtml(view.blocks ?? [], names)}</div>` +
    `<div class="modal-error" hidden></div>` +
    `<footer class="dialog-footer"><button type="button" class="bk-button" data-close>${escapeHtml(view.close?.text ?? 'Cancel')}</button>` +
    (submitLabel ? `<button type="submit" class="bk-button bk-primary">${escapeHtml(submitLabel)}</button>` : '') +
    `</footer></form>`;
  const form = dialog.querySelector('form');
  const failure = dialog.querySelector('.modal-error');
  for (const button of dialog.querySelectorAll('[data-close]')) button.addEventListener('click', close);
  dialog.oncancel = (event) => {
    event.preventDefault();
    close();
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!submitLabel) return;
    const problems = inputProblems(form);
    showProblems(form, problems);
    if (Object.keys(problems).length > 0) return;
    const sending = form.querySelector('[type=submit]');
    sending.disabled = true;
    const outcome = (await submit(typedValues(form))) ?? {};
    sending.disabled = false;
    showProblems(form, outcome.errors ?? {});
    failure.hidden = outcome.error === undefined;
    failure.textContent = outcome.error ?? '';
  });
  if (!dialog.open) dialog.showModal();
  form.querySelector('[data-action-id]')?.focus();
}
