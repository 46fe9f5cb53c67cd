import { createLogger } from '../../observability/logger.js';
import { boardServerEnv } from './server-env.js';
import { startBoardServer } from './server.js';

/**
 * The process each emulated instance runs: `node --import tsx src/sandbox/board/main.ts` with
 * HOST, PORT, VERSION, INSTANCE_ID, STORE_URL, DRAIN_TOKEN and optionally SENTRY_DSN, FAULT,
 * LOG_LEVEL. Logs JSON lines; the first says where it listens. SIGTERM or SIGINT stops it with exit 0.
 */
let options: ReturnType<typeof boardServerEnv>;
try {
  options = boardServerEnv(process.env);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

const logger = createLogger({ level: options.logLevel, secrets: [options.drainToken], name: 'board-server' }).child({ instanceId: options.instanceId, version: options.version });
const server = await startBoardServer({ ...options, logger });
logger.info({ url: server.url, ws: server.wsUrl }, 'board server listening');

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, boards: server.boards(), sessions: server.sessions() }, 'board server stopping');
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'board server did not stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
