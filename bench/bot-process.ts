import { startBot } from '../src/bot.js';
import { loadCatalog, parseEnv } from '../src/config/load.js';

/**
 * The bot alone, in a fresh process, configured by its environment exactly as `npm start` with
 * credentials would be. Once it has settled it prints one JSON line — its port, the time from
 * process start until it listens, the `startBot` call alone, resident memory — and serves until
 * SIGTERM.
 */
const SETTLE_MS = 1_000;

const env = parseEnv(process.env);
const catalog = await loadCatalog(env.SERVICES_FILE);
const before = performance.now();
const bot = await startBot({ env, rawEnv: process.env, catalog, host: '127.0.0.1' });
const startBotMs = performance.now() - before;
const startupMs = process.uptime() * 1000;
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const rssMb = process.memoryUsage().rss / 2 ** 20;
process.stdout.write(`${JSON.stringify({ port: bot.port, startupMs, startBotMs, rssMb })}\n`);
process.once('SIGTERM', () => {
  void bot.stop().then(() => process.exit(0));
});
