import { startBot } from '../src/bot.js';
import { loadCatalog, parseEnv } from '../src/config/load.js';

/**
 * The bot alone, in a fresh process, configured by its environment exactly as `npm start` with
 * credentials would be. Prints one JSON line — time from process start until the bot listens,
 * the `startBot` call alone, resident memory once it has settled — then stops.
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
process.stdout.write(`${JSON.stringify({ startupMs, startBotMs, rssMb })}\n`);
await bot.stop();
process.exit(0);
