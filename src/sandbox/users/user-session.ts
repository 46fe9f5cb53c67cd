import { WebSocket } from 'ws';
import type { Clock } from '../../deploy/ports.js';
import { parseFrame, serverMessageSchema, type ServerMessage } from '../board/protocol.js';

export interface SessionSettings {
  /** The load balancer's websocket URL, path included (e.g. ws://127.0.0.1:8000/ws). */
  url: string;
  clientId: string;
  board: string;
  editIntervalMs: number;
  reconnectTimeoutMs: number;
  /** First reconnect waits a random part of this; each failed attempt doubles it, up to MAX_BACKOFF_MS. */
  backoffMs: number;
  /** Wait this long before connecting the first time. */
  startAfterMs: number;
  clock: Clock;
}

export interface SessionObserver {
  joined(server: string, serverVersion: string, gapMs: number | null): void;
  left(server: string, reason: 'reconnect' | 'closed'): void;
  lost(outageMs: number): void;
  sent(): void;
  acked(editId: string): void;
}

export interface UserSession {
  /** The instance the session's board is open on, or null while it is out of its board. */
  server(): string | null;
  pendingEdits(): number;
  /** Since when the session has been out of its board (clock time), or null. */
  outageSince(): number | null;
  /** Counts the current outage as lost if it has lasted longer than the timeout (by the clock). */
  settleOutage(): void;
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 2_000;
/** A user whose edits are not being acknowledged waits rather than piling more onto an overloaded server. */
const MAX_UNACKED_EDITS = 8;
const HANDSHAKE_TIMEOUT_MS = 5_000;
const CLOSE_HANDSHAKE_MS = 1_000;

/**
 * One simulated user: connects through the load balancer, joins its board, edits at a steady
 * rate, and comes back to the same board when the server says `reconnect` or the connection
 * drops. Edits not yet acknowledged when the board is lost are sent again after rejoining (the
 * store keeps an editId once). An outage is counted as a lost session once, when it lasts longer
 * than `reconnectTimeoutMs`: by a timer while it lasts, or by the clock when the session rejoins.
 */
export function startUserSession(settings: SessionSettings, observer: SessionObserver): UserSession {
  const { clock } = settings;
  /** Unacknowledged edits, in the order they were made, with the socket each was last sent on. */
  const pending = new Map<string, { op: unknown; sentOn: WebSocket | null }>();
  let socket: WebSocket | null = null;
  let server: string | null = null;
  let outage: { since: number; counted: boolean; timer: NodeJS.Timeout } | null = null;
  let failedAttempts = 0;
  let seq = 0;
  let stopped = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let editTimer: NodeJS.Timeout | undefined;

  const countLost = () => {
    if (!outage || outage.counted) return;
    outage.counted = true;
    observer.lost(clock.now() - outage.since);
  };

  const loseBoard = (reason: 'reconnect' | 'closed') => {
    if (server === null) return;
    observer.left(server, reason);
    server = null;
    if (!outage) outage = { since: clock.now(), counted: false, timer: setTimeout(countLost, settings.reconnectTimeoutMs) };
  };

  const sendEdit = (editId: string) => {
    const edit = pending.get(editId);
    if (!edit || !socket || server === null) return;
    edit.sentOn = socket;
    socket.send(JSON.stringify({ type: 'edit', board: settings.board, editId, op: edit.op }));
  };

  const flushPending = () => {
    for (const [editId, edit] of pending) if (edit.sentOn !== socket) sendEdit(editId);
  };

  const edit = () => {
    if (server === null) return;
    flushPending();
    if (pending.size >= MAX_UNACKED_EDITS) return;
    seq += 1;
    const editId = `${settings.clientId}:${seq}`;
    pending.set(editId, { op: { kind: 'move', shape: seq % 16, x: Math.round(Math.random() * 1000), y: Math.round(Math.random() * 1000) }, sentOn: null });
    observer.sent();
    sendEdit(editId);
  };

  const onJoined = (message: Extract<ServerMessage, { type: 'joined' }>) => {
    server = message.server;
    failedAttempts = 0;
    let gapMs: number | null = null;
    if (outage) {
      gapMs = clock.now() - outage.since;
      if (gapMs > settings.reconnectTimeoutMs) countLost();
      clearTimeout(outage.timer);
      outage = null;
    }
    observer.joined(message.server, message.serverVersion, gapMs);
    flushPending();
  };

  const onMessage = (from: WebSocket, message: ServerMessage) => {
    if (from !== socket) return;
    if (message.type === 'joined') return onJoined(message);
    if (message.type === 'ack') {
      if (pending.delete(message.editId)) observer.acked(message.editId);
      return;
    }
    if (message.type === 'error') {
      // A join the server could not serve: try again, maybe elsewhere.
      if (server === null) return void from.close(1000, 'join failed');
      // An edit not saved: the next tick sends it again.
      const refused = message.editId === undefined ? undefined : pending.get(message.editId);
      if (refused) refused.sentOn = null;
      return;
    }
    if (message.type === 'reconnect') {
      loseBoard('reconnect');
      socket = null;
      from.close(1000, 'reconnecting');
      failedAttempts = 0;
      scheduleConnect();
    }
  };

  const connect = () => {
    if (stopped) return;
    // The board in the URL lets the load balancer keep a board's sessions on one server.
    const current = new WebSocket(`${settings.url}?board=${encodeURIComponent(settings.board)}`, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    socket = current;
    current.on('open', () => current.send(JSON.stringify({ type: 'join', board: settings.board, clientId: settings.clientId })));
    current.on('message', (data, isBinary) => {
      const message = isBinary ? null : parseFrame(serverMessageSchema, data.toString());
      if (message) onMessage(current, message);
    });
    // A failed connection also emits close, which is where it is handled.
    current.on('error', () => undefined);
    current.on('close', () => {
      if (current !== socket) return;
      socket = null;
      loseBoard('closed');
      failedAttempts += 1;
      scheduleConnect();
    });
  };

  const scheduleConnect = () => {
    if (stopped) return;
    const ceiling = Math.min(MAX_BACKOFF_MS, settings.backoffMs * 2 ** failedAttempts);
    reconnectTimer = setTimeout(connect, Math.random() * ceiling);
  };

  reconnectTimer = setTimeout(() => {
    connect();
    // Each session edits on its own phase, so a server sees a steady stream rather than bursts.
    editTimer = setTimeout(() => {
      edit();
      editTimer = setInterval(edit, settings.editIntervalMs);
    }, Math.random() * settings.editIntervalMs);
  }, settings.startAfterMs);

  return {
    server: () => server,
    pendingEdits: () => pending.size,
    outageSince: () => outage?.since ?? null,
    settleOutage: () => {
      if (outage && clock.now() - outage.since > settings.reconnectTimeoutMs) countLost();
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearInterval(editTimer);
      if (outage) clearTimeout(outage.timer);
      const open = socket;
      socket = null;
      server = null;
      if (!open || open.readyState === open.CLOSED) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => open.terminate(), CLOSE_HANDSHAKE_MS);
        open.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        open.close(1000, 'user left');
      });
    },
  };
}
