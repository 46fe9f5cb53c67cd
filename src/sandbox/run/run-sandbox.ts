import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { createLogger } from '../../observability/logger.js';
import { startSandboxConsole } from './sandbox-console.js';
import { startSandbox } from './start-sandbox.js';

const sandboxEnv = z.object({
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SANDBOX_FLEET_SIZE: z.coerce.number().int().min(1).max(60).default(4),
  SANDBOX_SESSIONS_PER_SERVER: z.coerce.number().int().min(0).max(500).default(25),
  SANDBOX_DATA_DIR: z.string().min(1).default('data/sandbox'),
  SANDBOX_UNMANAGED_FLEET: z.enum(['0', '1']).default('0'),
});

/**
 * `npm start` without Slack credentials: the whole story on this machine. The terminal gets one
 * line with the console's address; everything else goes to the sandbox log.
 */
export async function runSandbox(env: Record<string, string | undefined>, signal: Promise<void>): Promise<void> {
  const options = sandboxEnv.parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v)));
  const dataDir = resolve(options.SANDBOX_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'sandbox.log');
  const logger = createLogger({ level: 'info', secrets: [], destination: pino.destination({ dest: logFile, sync: false }), name: 'sandbox' });
  const sandbox = await startSandbox({ dataDir, fleetSize: options.SANDBOX_FLEET_SIZE, unmanagedFleet: options.SANDBOX_UNMANAGED_FLEET === '1', logger });
  let console_: Awaited<ReturnType<typeof startSandboxConsole>> | null = null;
  try {
    console_ = await startSandboxConsole(sandbox, { port: options.CONSOLE_PORT, sessionsPerServer: options.SANDBOX_SESSIONS_PER_SERVER, notice: sandbox.prometheus.notice });
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  process.stdout.write(`Release bot sandbox ready: open ${console_.url} (everything runs locally, nothing reaches Slack or AWS; ${sandbox.prometheus.kind === 'real' ? 'real Prometheus' : 'Prometheus stand-in'}; log ${logFile}; Ctrl-C stops it)\n`);
  if (options.SANDBOX_UNMANAGED_FLEET === '1') {
    process.stdout.write(
      'The fleet was not launched by the bot, as on a first day: `/release check board` names it, `/release board` is refused with the one-time fix, and `/release board --adopt-fleet --reason <why>` takes it over.\n',
    );
  }
  await signal;
  await console_.stop();
  await sandbox.stop();
}
