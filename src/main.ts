import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { startBot } from './bot.js';
import { ConfigError, loadCatalog, parseEnv } from './config/load.js';

const NO_SLACK = `The release bot needs Slack credentials to start.

Set, in the environment or in a .env file (see .env.example):
  SLACK_BOT_TOKEN=xoxb-...        the bot token of the app created from manifest.yml
  and either
  SLACK_APP_TOKEN=xapp-...        Socket Mode (default, no public URL needed)
  or
  SLACK_SIGNING_SECRET=...        HTTP mode (Slack calls PORT at /slack/events)

README.md ("Slack app setup") walks through creating the app.`;

async function main(): Promise<number> {
  if (existsSync('.env')) loadDotenv({ path: '.env', quiet: true });
  const env = parseEnv(process.env);
  if (!env.SLACK_BOT_TOKEN) {
    process.stderr.write(`${NO_SLACK}\n`);
    return 2;
  }
  const catalog = await loadCatalog(env.SERVICES_FILE);
  const bot = await startBot({ env, rawEnv: process.env, catalog });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
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
