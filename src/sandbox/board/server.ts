import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { createBoardMetrics } from './board-metrics.js';
import { createBoardRooms } from './board-rooms.js';
import { createErrorReporter } from './error-reporter.js';
import { handleHttp } from './http-routes.js';
import { startPreviewFault, type FaultTiming } from './preview-fault.js';
import { send, serveSocket } from './socket-session.js';
import { createStoreClient } from './store-client.js';

export interface BoardServerOptions {
  /** The instance's private IP (a loopback address such as 127.31.0.5). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The release this server runs, reported with every error. */
  version: string;
  instanceId: string;
  storeUrl: string;
  /** Bearer token `POST /drain` must carry. */
  drainToken: string;
  /** Errors go to Sentry when set. */
  sentryDsn?: string;
  /** `errors`: the faulty preview job of 1.2.0 reports a TypeError soon after start and then periodically. */
  fault?: 'none' | 'errors';
  faultTiming?: FaultTiming;
  /** How long drained clients have to leave before their sockets are closed. */
  drainGraceMs?: number;
  logger?: Logger;
}

export interface BoardServer {
  /** http://host:port */
  url: string;
  /** ws://host:port/ws */
  wsUrl: string;
  boards(): number;
  sessions(): number;
  /** What `POST /drain` does: tell every client to reconnect, close their sockets after the grace. */
  drain(): void;
  /** Graceful stop: clients get a going-away close, Sentry is flushed. */
  close(): Promise<void>;
}

/** Close code telling clients the server is restarting and they should reconnect. */
const DRAINED = 1012;
const GOING_AWAY = 1001;
const CLOSE_HANDSHAKE_MS = 1_000;

/** One board server, as it runs on each emulated instance. */
export async function startBoardServer(options: BoardServerOptions): Promise<BoardServer> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const reporter = options.sentryDsn ? createErrorReporter({ dsn: options.sentryDsn, release: options.version, instanceId: options.instanceId }) : null;
  const report = (error: unknown) => reporter?.capture(error);
  const store = createStoreClient(options.storeUrl);
  const rooms = createBoardRooms<WebSocket>(store);
  const registry = createBoardMetrics(rooms);
  const told = new WeakSet<WebSocket>();
  const timers = new Set<NodeJS.Timeout>();
  const graceMs = options.drainGraceMs ?? 2_000;
  let closing = false;

  const drain = () => {
    let count = 0;
    for (const socket of wss.clients) {
      // A repeated drain only tells clients that arrived since the last one.
      if (told.has(socket)) continue;
      told.add(socket);
      count += 1;
      send(socket, { type: 'reconnect' });
      const timer = setTimeout(() => {
        timers.delete(timer);
        void closeSocket(socket, DRAINED, 'drained');
      }, graceMs);
      timers.add(timer);
    }
    logger.info({ told: count, boards: rooms.boards() }, 'drain: clients told to reconnect');
  };

  const server = createServer((request, response) => {
    handleHttp(request, response, { registry, drainToken: options.drainToken, serving: () => !closing, drain }).catch((error: unknown) => {
      report(error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => {
    if (closing) return void socket.close(GOING_AWAY, 'server shutting down');
    serveSocket(socket, { rooms, instanceId: options.instanceId, version: options.version, logger, report });
  });
  const stopFault = options.fault === 'errors' ? startPreviewFault(report, options.faultTiming) : null;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;

  return {
    url,
    wsUrl: `ws://${address.address}:${address.port}/ws`,
    boards: rooms.boards,
    sessions: rooms.sessions,
    drain,
    async close() {
      closing = true;
      stopFault?.();
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([...wss.clients].map((socket) => closeSocket(socket, GOING_AWAY, 'server shutting down')));
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
      await reporter?.close();
    },
  };
}

/** Starts the close handshake and cuts the connection if the peer does not answer it. */
function closeSocket(socket: WebSocket, code: number, reason: string): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(code, reason);
  });
}
