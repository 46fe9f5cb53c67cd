import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { startBot } from './bot.js';
import { ConfigError, loadCatalog, parseEnv } from './config/load.js';
import { runSandbox } from './sandbox/run/run-sandbox.js';

// `on`, not `once`: the listeners must stay while the shutdown runs, or a second part that also
// listens would think nobody handles the signal and exit before everything has stopped.
const stopSignal = () =>
  new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });

async function main(): Promise<number> {
  if (existsSync('.env')) loadDotenv({ path: '.env', quiet: true });
  const env = parseEnv(process.env);
  if (!env.SLACK_BOT_TOKEN) {
    // No Slack credentials: the local sandbox with its web console (README, "Quick start").
    await runSandbox(process.env, stopSignal());
    return 0;
  }
  const catalog = await loadCatalog(env.SERVICES_FILE);
  const bot = await startBot({ env, rawEnv: process.env, catalog });
  await stopSignal();
  await bot.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `release bot failed to start: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
