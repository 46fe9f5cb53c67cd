import { WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import pino from 'pino';
import type { Catalog } from '../config/catalog.js';
import { classifyFailure } from '../deploy/failure.js';
import type { Clock } from '../deploy/ports.js';
import type { Leadership } from '../deploy/runner.js';
import { BOT_ACTOR } from '../deploy/workflow.js';
import type { ThreadNote } from '../deploy/records.js';
import { LeaseLostError, type DeployStore, type OutboxItem, type StoredDeploy } from '../deploy/store-port.js';
import type { Logger } from '../observability/logger.js';
import type { SlackMessage } from './blocks/build.js';
import { renderThreadNote } from './blocks/thread-note.js';
import { findPosted, type PostedMark, type Where } from './find-posted.js';
import { slackError } from './slack-errors.js';

export interface NotifierOptions {
  store: DeployStore;
  /**
   * Create it with `rejectRateLimitedCalls: true` and `retryConfig: { retries: 0 }`: the notifier
   * owns retries (undelivered notes stay in the store's outbox with their next attempt time). A
   * client that retries by itself would stall a flush for up to ~30 minutes on a 429 or an outage.
   */
  client: WebClient;
  catalog: Catalog;
  /** The parent message of a deploy, for its current state. */
  render: (deploy: StoredDeploy) => SlackMessage;
  clock: Clock;
  logger?: Logger;
  /** At most one edit of a parent message per this interval; revisions in between are coalesced. */
  minUpdateIntervalMs?: number;
  /** How often `start()` flushes without being poked. */
  intervalMs?: number;
  /** Deploys and notes handled per pass. */
  batchSize?: number;
  /**
   * Absent: this is the only notifier on its database. Otherwise it posts only while this
   * process's lease is live, and a note's post begins only once the store saw that lease.
   */
  leadership?: Leadership;
}

export interface Notifier {
  /** One pass: post or edit parent messages that are behind, then deliver due thread notes in order. */
  flush(): Promise<void>;
  /** Flushes every `intervalMs` until stopped. */
  start(): void;
  /** Something changed: flush soon. */
  poke(): void;
  /** Stops the loop and waits for a flush in flight. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 5 * 60_000;
/** Metadata event type of parent messages; it carries the deploy id. */
const PARENT_EVENT = 'release_bot_deploy';
/** Metadata event type of thread notes and announcements; it carries the deploy id and the outbox id. */
const NOTE_EVENT = 'release_bot_note';

const noteMark = (item: OutboxItem): PostedMark => ({ event_type: NOTE_EVENT, event_payload: { deploy_id: item.deployId, note_id: String(item.id) } });

function backoff(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

/** Slack answered and said no: nothing was posted. Any other failure (a timeout, a 5xx) may hide a post that went through. */
const refusedBySlack = (error: unknown) => error instanceof WebAPIPlatformError || error instanceof WebAPIRateLimitedError;

/** What went wrong, in words for the outbox and logs (never the token), and when Slack asked us back. */
function describeFailure(error: unknown, now: number): { message: string; retryAt?: number } {
  if (error instanceof WebAPIRateLimitedError) return { message: `ratelimited, retry after ${error.retryAfter}s`, retryAt: now + error.retryAfter * 1000 };
  if (error instanceof WebAPIPlatformError) return { message: error.data.error };
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Delivers the deploy story to Slack from the store: each deploy's parent message (posted once,
 * then edited in place), the notes of its thread, and a release's announcement, which goes to the
 * service's release channel in its turn among the notes. Nothing is dropped: a failed note stays in
 * the outbox with its next attempt time, and the store holds back the later notes of that deploy.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { store, client, catalog, render, clock } = options;
  const logger = options.logger ?? pino({ enabled: false });
  const minUpdateIntervalMs = options.minUpdateIntervalMs ?? 2000;
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 50;
  const { leadership } = options;
  const mayPost = () => leadership?.held() ?? true;

  /** Slack answered 429: it wants no calls before this. */
  let pausedUntil = 0;
  /** Parent messages that failed for another reason; the store has no place for their retry time. */
  const parentRetries = new Map<string, { at: number; attempts: number }>();

  /**
   * A message the bot posted although the store never heard Slack's answer: a bot that died, or a
   * call that failed without saying whether Slack took it. Found by the post's metadata. When the
   * search itself fails (no history scope, say) the message is posted: twice rather than never.
   */
  async function findEarlierPost(deployId: string, what: string, where: Where, mark: PostedMark): Promise<string | null> {
    try {
      return await findPosted(client, where, mark);
    } catch (error) {
      if (error instanceof WebAPIRateLimitedError) throw error;
      logger.warn({ deployId, error: describeFailure(error, clock.now()).message }, `could not look for an earlier ${what}; posting it`);
      return null;
    }
  }

  async function showParent(deploy: StoredDeploy): Promise<void> {
    const message = render(deploy);
    let channel = deploy.slackChannel;
    let ts = deploy.slackTs;
    if (!channel || !ts) {
      const service = catalog.services[deploy.service];
      if (!service) throw new Error(`service ${deploy.service} is not in the catalog, so there is no channel to post in`);
      channel = service.slack.deployChannel;
      // The ts is kept only after Slack answers the post, so a missing one may hide a posted parent.
      ts = await findEarlierPost(deploy.id, 'parent message', { channel, since: deploy.createdAt }, { event_type: PARENT_EVENT, event_payload: { deploy_id: deploy.id } });
      if (ts === null) {
        const posted = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          metadata: { event_type: PARENT_EVENT, event_payload: { deploy_id: deploy.id, service: deploy.service, kind: deploy.kind } },
        });
        await store.setSlackMessage(deploy.id, posted.channel ?? channel, posted.ts as string);
        await store.markRendered(deploy.id, deploy.revision, clock.now());
        return;
      }
      await store.setSlackMessage(deploy.id, channel, ts);
    }
    // Text and blocks both, always: an update without blocks keeps the old ones.
    await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    await store.markRendered(deploy.id, deploy.revision, clock.now());
  }

  /** Returns false when the pass must stop: Slack rate-limited us, or this process's lease may have run out. */
  async function renderParents(now: number): Promise<boolean> {
    for (const deploy of await store.unrendered(batchSize)) {
      if (!mayPost()) return false;
      const retry = parentRetries.get(deploy.id);
      if (retry && retry.at > now) continue;
      const editedRecently = deploy.slackTs !== null && deploy.renderedAt !== null && now - deploy.renderedAt < minUpdateIntervalMs;
      if (editedRecently) continue;
      try {
        await showParent(deploy);
        parentRetries.delete(deploy.id);
      } catch (error) {
        const failure = describeFailure(error, now);
        if (failure.retryAt !== undefined) {
          pausedUntil = failure.retryAt;
          logger.warn({ deployId: deploy.id, retryAt: new Date(failure.retryAt).toISOString() }, 'Slack rate-limited the parent message; pausing');
          return false;
        }
        const attempts = (retry?.attempts ?? 0) + 1;
        parentRetries.set(deploy.id, { at: now + backoff(attempts), attempts });
        logger.warn({ deployId: deploy.id, attempts, error: failure.message }, 'parent message could not be shown; will retry');
      }
    }
    return true;
  }

  /** Announcements are the release channel's own messages; every other note goes into the deploy's thread. */
  function destination(note: ThreadNote, deploy: StoredDeploy): { channel: string; thread_ts?: string } {
    if (note.type !== 'announce') return { channel: deploy.slackChannel as string, thread_ts: deploy.slackTs as string };
    const service = catalog.services[deploy.service];
    if (!service) throw new Error(`service ${deploy.service} is not in the catalog, so there is no release channel to announce in`);
    return { channel: service.slack.releaseChannel };
  }

  /** The workflow cannot know where its thread lives on the web; Slack can. Without a link the announcement still goes out. */
  async function withThreadLink(note: ThreadNote, deploy: StoredDeploy): Promise<ThreadNote> {
    if (note.type !== 'announce' || note.threadLink) return note;
    try {
      const found = await client.chat.getPermalink({ channel: deploy.slackChannel as string, message_ts: deploy.slackTs as string });
      return found.permalink ? { ...note, threadLink: found.permalink } : note;
    } catch (error) {
      if (error instanceof WebAPIRateLimitedError) throw error;
      logger.warn({ deployId: deploy.id, error: describeFailure(error, clock.now()).message }, 'no permalink for the release thread; announcing without it');
      return note;
    }
  }

  /** Only a note whose post began without Slack's answer being kept is looked for: one lookup per crash, not per note. */
  function findEarlierNote(item: OutboxItem, deploy: StoredDeploy, since: number): Promise<string | null> {
    const { channel, thread_ts: threadTs } = destination(item.note, deploy);
    return findEarlierPost(item.deployId, item.note.type === 'announce' ? 'announcement' : 'thread note', { channel, threadTs, since }, noteMark(item));
  }

  async function sendNotes(now: number): Promise<void> {
    const deploys = new Map<string, StoredDeploy | null>();
    // A note that failed in this pass holds back the later notes of its deploy, so order is kept.
    const heldBack = new Set<string>();
    for (const item of await store.pendingNotes(now, batchSize)) {
      if (!mayPost()) return;
      if (heldBack.has(item.deployId)) continue;
      if (!deploys.has(item.deployId)) deploys.set(item.deployId, await store.getDeploy(item.deployId));
      const deploy = deploys.get(item.deployId);
      if (!deploy?.slackChannel || !deploy.slackTs) {
        heldBack.add(item.deployId);
        continue;
      }
      let posting = false;
      try {
        const earlier = item.sendingSince === null ? null : await findEarlierNote(item, deploy, item.sendingSince);
        if (earlier !== null) {
          await store.markNoteSent(item.id, earlier, clock.now());
          continue;
        }
        const note = await withThreadLink(item.note, deploy);
        const message = renderThreadNote(note, deploy);
        await store.markNoteSending(item.id, clock.now(), leadership?.holder);
        posting = true;
        const posted = await client.chat.postMessage({ ...destination(note, deploy), text: message.text, blocks: message.blocks, metadata: noteMark(item) });
        await store.markNoteSent(item.id, posted.ts as string, clock.now());
      } catch (error) {
        if (error instanceof LeaseLostError) {
          // Another process may be delivering this note now; it is left as a crash would leave it.
          leadership?.lost();
          return;
        }
        const refusal = item.note.type === 'announce' ? slackError(error, `the release announcement in <#${destination(item.note, deploy).channel}>`) : null;
        const lasting = refusal && classifyFailure(refusal);
        if (refusal && lasting?.kind === 'permanent') {
          await replaceAnnouncement(item, refusal.message, lasting.fix, now);
          heldBack.add(item.deployId);
          continue;
        }
        const failure = describeFailure(error, now);
        const mayHaveBeenPosted = posting ? !refusedBySlack(error) : item.sendingSince !== null;
        await store.markNoteFailed(item.id, failure.message, failure.retryAt ?? now + backoff(item.attempts + 1), mayHaveBeenPosted);
        if (failure.retryAt !== undefined) {
          pausedUntil = failure.retryAt;
          logger.warn({ deployId: item.deployId, noteId: item.id, retryAt: new Date(failure.retryAt).toISOString() }, 'Slack rate-limited a thread note; pausing');
          return;
        }
        heldBack.add(item.deployId);
        logger.warn({ deployId: item.deployId, noteId: item.id, attempts: item.attempts + 1, error: failure.message }, 'thread note not delivered; will retry');
      }
    }
  }

  /**
   * The release channel refused the announcement in a way no retry fixes (the bot was removed from
   * it, the channel was archived): in its place the thread says so, with the fix, and the release's
   * later notes go on. The announcement is not tried again.
   */
  async function replaceAnnouncement(item: OutboxItem, problem: string, fix: string | null, now: number): Promise<void> {
    logger.error({ deployId: item.deployId, noteId: item.id, error: problem }, 'Slack refused the release announcement for good; the thread says so');
    await store.replaceNote(
      item.id,
      { type: 'dependency', system: 'slack', problem, action: `The release announcement was not posted and will not be tried again; the changelog is in this thread.${fix ? ` ${fix}` : ''}` },
      problem,
      now,
      { actor: BOT_ACTOR, action: 'announcement_not_posted', reason: problem },
    );
  }

  async function pass(): Promise<void> {
    const now = clock.now();
    if (now < pausedUntil || !mayPost()) return;
    if (await renderParents(now)) await sendNotes(now);
  }

  // Passes never overlap: a flush asked for during another runs after it.
  let chain: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    const run = chain.then(pass);
    chain = run.catch(() => undefined);
    return run;
  }

  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | null = null;
  let pokedDuringFlush = false;

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    inFlight = flush()
      .catch((error: unknown) => logger.error({ err: error }, 'notifier pass failed; will try again'))
      .finally(() => {
        inFlight = null;
        const again = pokedDuringFlush;
        pokedDuringFlush = false;
        if (started) schedule(again ? 0 : intervalMs);
      });
  }

  return {
    flush,
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    poke() {
      if (!started) return;
      if (inFlight) pokedDuringFlush = true;
      else schedule(0);
    },
    async stop() {
      started = false;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
