import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { FakeEphemeral, FakeMessage, FakeUser, FakeView, WorkspaceEvents } from '../slack/workspace.js';
import { ConsoleApi } from './console-api.js';
import type { ConsoleIdentity, ConsoleOptions } from './console-options.js';
import { EventStream } from './event-stream.js';
import { readJson, RequestError, sendJson } from './http-io.js';
import { OpenViews } from './open-views.js';
import { snapshot } from './snapshot.js';
import { serveStatic } from './static-files.js';

/**
 * The local Slack console: a page where a newcomer uses the bot without a Slack workspace. It
 * shows the fake workspace's channels, messages and threads live, and turns what the person types
 * and clicks into the signed requests Slack would send the bot, as the identity they picked.
 */

export interface RunningConsole {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_EXAMPLES = ['/prerelease help', '/release help'];

const OWN_PATHS = new Set(['/', '/events', '/api/state', '/api/command', '/api/action', '/api/view/submit', '/api/view/close']);

const Compose = z.object({ as: z.string(), channel: z.string(), text: z.string().trim().min(1).max(4000) });
const Click = z.object({ as: z.string(), channel: z.string(), ts: z.string(), blockIndex: z.number().int().min(0), actionId: z.string(), ephemeral: z.boolean().default(false) });
const SubmitView = z.object({ as: z.string(), viewId: z.string(), values: z.record(z.string(), z.record(z.string(), z.string())) });
const CloseView = z.object({ as: z.string(), viewId: z.string() });

function checkOptions(options: ConsoleOptions): void {
  const ws = options.slack.workspace;
  if (options.identities.length === 0) throw new Error('the console needs at least one identity to act as');
  for (const identity of options.identities) {
    if (!ws.user(identity.id)) throw new Error(`identity ${identity.name} (${identity.id}) is not a user of the fake workspace: add it to the users of startFakeSlack`);
  }
  for (const path of Object.keys(options.extras?.routes ?? {})) {
    if (!path.startsWith('/') || OWN_PATHS.has(path) || path.startsWith('/assets/')) throw new Error(`extras route ${path} must be an absolute path the console does not use itself`);
  }
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  checkOptions(options);
  const ws = options.slack.workspace;
  const extras = options.extras ?? {};
  const views = new OpenViews();
  const events = new EventStream();
  const api = new ConsoleApi({ slack: options.slack, botUrl: options.botUrl, signingSecret: options.signingSecret, views, events });
  const state = { workspace: ws, identities: options.identities, views: (user: string) => views.of(user), examples: options.examples ?? DEFAULT_EXAMPLES, extras };

  const parentOf = (message: FakeMessage) =>
    message.thread_ts !== undefined && message.thread_ts !== message.ts ? ws.find(message.channel, message.thread_ts) : undefined;
  const listeners: { [E in keyof WorkspaceEvents]: (...args: WorkspaceEvents[E]) => void } = {
    // A reply changes its parent's reply count, which Slack shows under the parent.
    'message-posted': (message) => events.publish('message-posted', { message, parent: parentOf(message) }),
    'message-updated': (message) => events.publish('message-updated', { message }),
    'message-deleted': (message) => events.publish('message-deleted', { message }),
    ephemeral: (ephemeral: FakeEphemeral) => events.publish('ephemeral', { ephemeral }, ephemeral.user),
    'view-opened': (fake: FakeView) => {
      const opened = views.opened(fake.triggerId, fake.id, fake.view);
      if (opened) events.publish('view-opened', { view: opened }, opened.user);
    },
  };
  for (const [event, listener] of Object.entries(listeners)) ws.on(event as keyof WorkspaceEvents, listener as () => void);

  function identity(id: string | null): { identity: ConsoleIdentity; user: FakeUser } {
    const found = options.identities.find((i) => i.id === id);
    if (!found) throw new RequestError(400, `unknown identity ${JSON.stringify(id)}; act as one of ${options.identities.map((i) => i.id).join(', ')}`);
    return { identity: found, user: ws.user(found.id) as FakeUser };
  }

  function channel(id: string) {
    const found = ws.channel(id);
    if (!found) throw new RequestError(404, `no channel ${id}`);
    return found;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    if (req.method === 'GET') {
      if (await serveStatic(path, res)) return;
      // A page opened for the first time does not know who it is yet: it starts as the first identity.
      const as = url.searchParams.get('as') || options.identities[0].id;
      if (path === '/api/state') return sendJson(res, 200, snapshot(state, identity(as).identity.id));
      if (path === '/events') return events.subscribe(req, res, identity(as).identity.id);
      const route = extras.routes?.[path];
      if (route) return sendJson(res, 200, await route());
    }
    if (req.method === 'POST') {
      const reply = await post(path, req);
      if (reply) return sendJson(res, reply.status, reply.body);
    }
    sendJson(res, 404, { ok: false, error: `no ${req.method} ${path}` });
  }

  async function post(path: string, req: IncomingMessage) {
    switch (path) {
      case '/api/command': {
        const body = await readJson(req, Compose);
        return api.compose(identity(body.as).user, channel(body.channel), body.text);
      }
      case '/api/action': {
        const body = await readJson(req, Click);
        return api.click(identity(body.as).user, channel(body.channel), body);
      }
      case '/api/view/submit': {
        const body = await readJson(req, SubmitView);
        return api.submitView(identity(body.as).user, body.viewId, body.values);
      }
      case '/api/view/close': {
        const body = await readJson(req, CloseView);
        return api.closeView(identity(body.as).user, body.viewId);
      }
      default:
        return undefined;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (res.headersSent) return res.end();
      sendJson(res, error instanceof RequestError ? error.status : 500, { ok: false, error: error.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      for (const [event, listener] of Object.entries(listeners)) ws.off(event as keyof WorkspaceEvents, listener as () => void);
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
