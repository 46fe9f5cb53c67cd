import { confirmDialog, openModal } from './dialogs.js';
import { mountExtras } from './extras.js';
import { messageHtml } from './message-html.js';
import { escapeHtml } from './mrkdwn.js';

/**
 * The console page: one snapshot from /api/state, then live changes from /events. Messages are
 * kept by channel/ts and drawn with keyed updates, so an edited message changes in place.
 */

const $ = (id) => document.getElementById(id);
const IDENTITY_KEY = 'release-bot-console.identity';

const page = {
  state: null,
  you: null,
  channel: null,
  thread: null,
  messages: new Map(),
  ephemerals: new Map(),
  notices: new Map(),
  dismissed: new Set(),
  unread: new Map(),
  views: [],
  source: null,
  /** Events that arrive while a snapshot loads are applied after it, so none is lost or undone. */
  pending: null,
  extrasMounted: false,
  lastTyped: '',
};

const keyOf = (channel, ts) => `${channel}/${ts}`;
const isReply = (message) => message.thread_ts !== undefined && message.thread_ts !== message.ts;
const nowTs = () => (Date.now() / 1000).toFixed(6);

const names = {
  user: (id) => page.state?.users.find((u) => u.id === id)?.name,
  channel: (id) => page.state?.channels.find((c) => c.id === id)?.name,
  group: () => undefined,
  get now() {
    return Date.now();
  },
};

function identityLabel(id) {
  const identity = page.state?.identities.find((i) => i.id === id);
  return identity ? `${identity.name} (${identity.role})` : id;
}

async function post(path, body) {
  try {
    const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return await response.json();
  } catch (error) {
    return { ok: false, error: `the console server is not reachable (${error.message})` };
  }
}

// ── what is shown where ───────────────────────────────────────────────────────────────────────

function author(message) {
  const user = page.state.users.find((u) => u.id === message.user);
  return { id: message.user, name: user?.name ?? message.user, bot: Boolean(message.bot_id) || Boolean(user?.isBot) };
}

function messageEntry(message) {
  return {
    kind: 'message',
    key: keyOf(message.channel, message.ts),
    channel: message.channel,
    ts: message.ts,
    threadTs: isReply(message) ? message.thread_ts : undefined,
    author: author(message),
    text: message.text,
    blocks: message.blocks,
    edited: Boolean(message.edited),
    replyCount: message.reply_count ?? 0,
    latestReply: message.latest_reply,
  };
}

function privateEntry(item, kind) {
  const bot = { id: page.state.bot.userId, name: page.state.bot.name, bot: true };
  return {
    kind,
    key: item.key,
    channel: item.channel,
    ts: item.ts,
    threadTs: item.thread_ts || undefined,
    author: kind === 'notice' ? { id: 'USLACKBOT', name: 'Slackbot', bot: true } : bot,
    text: item.text,
    blocks: item.blocks,
  };
}

function entriesOf(channel) {
  const all = [
    ...[...page.messages.values()].filter((m) => m.channel === channel).map(messageEntry),
    ...[...page.ephemerals.values()].filter((e) => e.channel === channel && !page.dismissed.has(e.key)).map((e) => privateEntry(e, 'ephemeral')),
    ...[...page.notices.values()].filter((n) => n.channel === channel && !page.dismissed.has(n.key)).map((n) => privateEntry(n, 'notice')),
  ];
  return all.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

const channelEntries = () => entriesOf(page.channel).filter((e) => e.threadTs === undefined);
const threadEntries = () => entriesOf(page.channel).filter((e) => e.ts === page.thread || e.threadTs === page.thread);

// ── drawing ───────────────────────────────────────────────────────────────────────────────────

function nodeOf(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content.firstElementChild;
}

/** Keyed update: only the entries in `changed` are redrawn; the rest keep their nodes (and the reader's selection). */
function sync(container, entries, { showReplies, changed, empty }) {
  const wasAtBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const existing = new Map([...container.querySelectorAll(':scope > article.msg')].map((node) => [node.dataset.key, node]));
  container.querySelector(':scope > .empty')?.remove();
  let cursor = container.firstElementChild;
  let added = false;
  for (const entry of entries) {
    let node = existing.get(entry.key);
    existing.delete(entry.key);
    if (!node || changed.has(entry.key)) {
      const fresh = nodeOf(messageHtml(entry, names, { showReplies }));
      if (node) {
        fresh.classList.add('flash');
        node.replaceWith(fresh);
        if (cursor === node) cursor = fresh;
      } else added = true;
      node = fresh;
    }
    if (node === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(node, cursor);
  }
  for (const node of existing.values()) node.remove();
  if (entries.length === 0 && empty) container.append(nodeOf(empty));
  if (added && wasAtBottom) container.scrollTop = container.scrollHeight;
}

function emptyChannelHtml() {
  const examples = page.state.examples.map((e) => `<code>${escapeHtml(e)}</code>`).join(' or ');
  return `<div class="empty"><h2>This is the very beginning of #${escapeHtml(names.channel(page.channel) ?? '')}</h2><p>Type ${examples} below to talk to the bot.</p></div>`;
}

function drawMessages(changed = new Set()) {
  sync($('messages'), channelEntries(), { showReplies: true, changed, empty: emptyChannelHtml() });
  const thread = $('thread');
  thread.hidden = page.thread === null;
  if (page.thread !== null) sync($('thread-messages'), threadEntries(), { showReplies: false, changed });
}

function drawChannels() {
  $('channels').innerHTML = page.state.channels
    .map((c) => {
      const unread = page.unread.get(c.id) ?? 0;
      const classes = [c.id === page.channel ? 'current' : '', unread > 0 ? 'unread' : ''].join(' ');
      return `<li><a href="#" class="channel-link ${classes}" data-channel="${escapeHtml(c.id)}"><span class="hash">#</span>${escapeHtml(c.name)}${unread > 0 ? `<span class="badge">${unread}</span>` : ''}</a></li>`;
    })
    .join('');
  const name = names.channel(page.channel);
  $('channel-name').textContent = `#${name}`;
  $('thread-channel').textContent = `#${name}`;
  $('composer-input').placeholder = `Message #${name}, or a command such as ${page.state.examples[0] ?? '/help'}`;
  document.title = `#${name} · ${page.state.team.name} · release bot console`;
}

function drawChrome() {
  const { state } = page;
  $('team-name').textContent = state.team.name;
  $('banner').hidden = !state.banner;
  $('banner').textContent = state.banner ?? '';
  $('identity').innerHTML = state.identities.map((i) => `<option value="${escapeHtml(i.id)}">${escapeHtml(`${i.name} (${i.role})`)}</option>`).join('');
  $('identity').value = page.you;
  $('examples').innerHTML = state.examples.map((e) => `<button type="button" class="example" data-example="${escapeHtml(e)}">${escapeHtml(e)}</button>`).join('');
  if (!page.extrasMounted) {
    mountExtras($('extras'), state);
    page.extrasMounted = true;
  }
}

function drawViews() {
  const dialog = $('modal-dialog');
  const current = page.views[0];
  if (!current) {
    delete dialog.dataset.viewId;
    if (dialog.open) dialog.close();
    return;
  }
  if (dialog.open && dialog.dataset.viewId === current.id && dialog.dataset.version === current.version) return;
  dialog.dataset.viewId = current.id;
  dialog.dataset.version = current.version;
  openModal(dialog, current.view, names, { submit: (values) => submitView(current.id, values), close: () => closeView(current.id) });
}

// ── state ─────────────────────────────────────────────────────────────────────────────────────

let viewVersions = 0;
const withVersion = (view) => ({ ...view, version: String((viewVersions += 1)) });

function applyState(state) {
  page.state = state;
  page.you = state.you;
  localStorage.setItem(IDENTITY_KEY, state.you);
  history.replaceState(null, '', `?as=${encodeURIComponent(state.you)}`);
  if (!state.channels.some((c) => c.id === page.channel)) page.channel = state.channels[0]?.id ?? null;
  page.messages = new Map(state.messages.map((m) => [keyOf(m.channel, m.ts), m]));
  page.ephemerals = new Map(state.ephemerals.map((e) => [keyOf(e.channel, e.ts), { ...e, key: keyOf(e.channel, e.ts) }]));
  page.views = state.views.map(withVersion);
  drawChrome();
  drawChannels();
  $('messages').replaceChildren();
  $('thread-messages').replaceChildren();
  drawMessages();
  $('messages').scrollTop = $('messages').scrollHeight;
  drawViews();
}

async function fetchState(as) {
  const response = await fetch(`/api/state${as ? `?as=${encodeURIComponent(as)}` : ''}`, { cache: 'no-store' });
  // Someone remembered from another configuration: start as the first identity instead.
  if (response.status === 400 && as) return fetchState(null);
  if (!response.ok) throw new Error(`the console answered HTTP ${response.status}`);
  return response.json();
}

async function loadState() {
  page.pending = [];
  try {
    applyState(await fetchState(page.you));
  } finally {
    const pending = page.pending;
    page.pending = null;
    for (const apply of pending) apply();
  }
}

function markUnread(channel) {
  if (channel === page.channel) return;
  page.unread.set(channel, (page.unread.get(channel) ?? 0) + 1);
  drawChannels();
}

const EVENTS = {
  'message-posted': ({ message, parent }) => {
    const changed = new Set([keyOf(message.channel, message.ts)]);
    page.messages.set(keyOf(message.channel, message.ts), message);
    if (parent) {
      page.messages.set(keyOf(parent.channel, parent.ts), parent);
      changed.add(keyOf(parent.channel, parent.ts));
    } else markUnread(message.channel);
    drawMessages(changed);
  },
  'message-updated': ({ message }) => {
    page.messages.set(keyOf(message.channel, message.ts), message);
    drawMessages(new Set([keyOf(message.channel, message.ts)]));
  },
  'message-deleted': ({ message }) => {
    page.messages.delete(keyOf(message.channel, message.ts));
    drawMessages();
  },
  ephemeral: ({ ephemeral }) => {
    const key = keyOf(ephemeral.channel, ephemeral.ts);
    page.ephemerals.set(key, { ...ephemeral, key });
    markUnread(ephemeral.channel);
    drawMessages(new Set([key]));
  },
  'view-opened': ({ view }) => {
    if (page.views.some((v) => v.id === view.id)) return;
    page.views.push(withVersion(view));
    drawViews();
  },
  'view-closed': ({ id }) => {
    page.views = page.views.filter((v) => v.id !== id);
    drawViews();
  },
};

function setConnection(live) {
  $('connection').textContent = live ? '● live' : '○ reconnecting…';
  $('connection').classList.toggle('offline', !live);
}

function connect() {
  page.source?.close();
  const source = new EventSource(`/events?as=${encodeURIComponent(page.you)}`);
  page.source = source;
  source.addEventListener('open', () => {
    setConnection(true);
    loadState().catch((error) => addNotice(page.channel, `Could not load the workspace: ${error.message}`));
  });
  source.addEventListener('error', () => setConnection(false));
  for (const [name, apply] of Object.entries(EVENTS)) {
    source.addEventListener(name, (event) => {
      const data = JSON.parse(event.data);
      if (page.pending) page.pending.push(() => apply(data));
      else apply(data);
    });
  }
}

// ── what the reader does ──────────────────────────────────────────────────────────────────────

function addNotice(channel, text, threadTs) {
  const ts = nowTs();
  const key = `notice/${channel}/${ts}`;
  page.notices.set(key, { key, channel, ts, text, thread_ts: threadTs });
  drawMessages(new Set([key]));
}

function switchChannel(channel) {
  if (!page.state.channels.some((c) => c.id === channel)) return;
  if (channel !== page.channel) page.thread = null;
  page.channel = channel;
  page.unread.delete(channel);
  drawChannels();
  $('messages').replaceChildren();
  $('thread-messages').replaceChildren();
  drawMessages();
  $('messages').scrollTop = $('messages').scrollHeight;
}

function openThread(channel, ts, highlight = ts) {
  switchChannel(channel);
  page.thread = ts;
  $('thread-messages').replaceChildren();
  drawMessages();
  const node = $('thread-messages').querySelector(`article[data-ts="${CSS.escape(highlight)}"]`);
  node?.classList.add('flash');
  node?.scrollIntoView({ block: 'nearest' });
}

function closeThread() {
  page.thread = null;
  drawMessages();
}

function findButton(blocks, blockIndex, actionId) {
  const block = blocks?.[blockIndex];
  const elements = block?.type === 'actions' ? block.elements : block?.accessory ? [block.accessory] : [];
  return (elements ?? []).find((e) => e.type === 'button' && e.action_id === actionId);
}

async function clickButton(button) {
  const article = button.closest('article.msg');
  const { channel, ts, kind, key } = article.dataset;
  const source = kind === 'ephemeral' ? page.ephemerals.get(key) : page.messages.get(key);
  const blockIndex = Number(button.dataset.blockIndex);
  const { actionId } = button.dataset;
  const json = findButton(source?.blocks, blockIndex, actionId);
  if (json?.confirm && !(await confirmDialog($('confirm-dialog'), json.confirm, names))) return;
  button.disabled = true;
  button.classList.add('busy');
  const result = await post('/api/action', { as: page.you, channel, ts, blockIndex, actionId, ephemeral: kind === 'ephemeral' });
  button.disabled = false;
  button.classList.remove('busy');
  if (!result.ok) addNotice(channel, result.error, source && isReply(source) ? source.thread_ts : undefined);
}

async function submitView(id, values) {
  const result = await post('/api/view/submit', { as: page.you, viewId: id, values });
  if (!result.ok) return { error: result.error };
  if (result.errors) return { errors: result.errors };
  if (result.view) {
    page.views = page.views.map((v) => (v.id === id ? withVersion(result.view) : v));
    drawViews();
  }
  if (result.closed) {
    page.views = page.views.filter((v) => !result.closed.includes(v.id));
    drawViews();
  }
  return {};
}

async function closeView(id) {
  page.views = page.views.filter((v) => v.id !== id);
  drawViews();
  await post('/api/view/close', { as: page.you, viewId: id });
}

async function compose(event) {
  event.preventDefault();
  const input = $('composer-input');
  const text = input.value.trim();
  if (text === '') return;
  const status = $('composer-status');
  const command = text.startsWith('/');
  status.textContent = command ? `Sending ${text} as ${identityLabel(page.you)}…` : '';
  const channel = page.channel;
  const result = await post('/api/command', { as: page.you, channel, text });
  if (!result.ok) {
    status.textContent = '';
    addNotice(channel, result.error);
    return;
  }
  page.lastTyped = text;
  if (input.value.trim() === text) input.value = '';
  status.textContent = command ? `Sent ${text} as ${identityLabel(page.you)}. Answers only you can see are marked “Only visible to you”.` : '';
}

function onClick(event) {
  const target = event.target;
  const button = target.closest('.bk-button[data-action-id]');
  if (button && button.closest('article.msg')) return clickButton(button);
  const replies = target.closest('.replies-link');
  if (replies) return openThread(page.channel, replies.dataset.thread);
  const permalink = target.closest('a[data-thread]');
  if (permalink) {
    event.preventDefault();
    return openThread(permalink.dataset.channel, permalink.dataset.thread, permalink.dataset.ts);
  }
  const channel = target.closest('.channel-link, .channel-mention');
  if (channel) {
    event.preventDefault();
    return switchChannel(channel.dataset.channel);
  }
  const dismiss = target.closest('.dismiss');
  if (dismiss) {
    page.dismissed.add(dismiss.dataset.dismiss);
    return drawMessages();
  }
  const example = target.closest('.example');
  if (example) {
    $('composer-input').value = example.dataset.example;
    $('composer-input').focus();
  }
}

function onKey(event) {
  const input = $('composer-input');
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('composer').requestSubmit();
  } else if (event.key === 'ArrowUp' && input.value === '' && page.lastTyped) {
    event.preventDefault();
    input.value = page.lastTyped;
  }
}

function changeIdentity() {
  page.you = $('identity').value;
  localStorage.setItem(IDENTITY_KEY, page.you);
  page.dismissed.clear();
  page.notices.clear();
  $('composer-status').textContent = `Now acting as ${identityLabel(page.you)}.`;
  connect();
}

async function start() {
  document.addEventListener('click', onClick);
  $('composer').addEventListener('submit', compose);
  $('composer-input').addEventListener('keydown', onKey);
  $('identity').addEventListener('change', changeIdentity);
  $('thread-close').addEventListener('click', closeThread);
  const asked = new URLSearchParams(location.search).get('as');
  applyState(await fetchState(asked ?? localStorage.getItem(IDENTITY_KEY)));
  connect();
}

start().catch((error) => {
  document.body.insertAdjacentHTML('afterbegin', `<p class="fatal">The console could not start: ${escapeHtml(error.message)}</p>`);
});
