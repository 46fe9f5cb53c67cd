import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { createLogger } from '../src/observability/logger.js';
import { SANDBOX_USERS, startSandbox } from '../src/sandbox/run/start-sandbox.js';
import { startFakeSlack } from '../src/sandbox/slack/server.js';
import { buildProduction } from '../.ci/build.js';
import { measureAcks, mixedAckTraffic } from './ack-latency.js';
import { measureFootprint } from './footprint.js';
import { startReportingChild } from './reporting-child.js';
import { ackFigures, formatResults, type AckFigures, type BenchResults } from './results.js';
import type { Strategy, SwapFigures } from './swap-figures.js';
import { runSwapScenario } from './swap-scenario.js';

/**
 * `npm run bench`: guided swaps through the bot at each size, the two baselines, acknowledgement
 * latency of slash commands and button clicks and the bot's footprint. Every swap runs on a fresh sandbox, one after
 * the other. Prints a table and writes bench/results.json.
 *
 * BENCH_SIZES=3,10 and BENCH_SKIP_BASELINES=1 run a subset for a quick check.
 */
const list = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'expected server counts such as 3,10,30')
  .transform((s) => s.split(',').map(Number));
const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const benchEnv = z.object({
  BENCH_SIZES: list.default([3, 10, 30]),
  BENCH_SKIP_BASELINES: flag.default(false),
  BENCH_BASELINE_SERVERS: z.coerce.number().int().min(1).default(10),
  BENCH_SESSIONS_PER_SERVER: z.coerce.number().int().min(3).default(100),
  BENCH_EDIT_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  BENCH_ACK_REQUESTS: z.coerce.number().int().min(1).default(500),
  BENCH_ACK_CONCURRENCY: z.coerce.number().int().min(1).default(50),
});

/** Of each server's sessions, this many connect once the new servers are healthy. */
const ARRIVING_PER_SERVER = 2;
const ACK_WARMUP = 20;
const FOOTPRINT_STARTS = 3;
const SANDBOX_SETTLE_MS = 5_000;
const ROOT = new URL('../', import.meta.url);
/** Apart from the swaps' block and the tests' blocks. */
const ACK_IP_BLOCK = 231;
const BARE_TOKEN = 'xoxb-bench-bare-bolt';
const RESULTS = new URL('./results.json', import.meta.url);

const began = Date.now();
const say = (line: string) => process.stdout.write(`[${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

const bareReport = z.object({ port: z.number() });
const eventsUrl = (port: number) => `http://127.0.0.1:${port}/slack/events`;

/**
 * The bot and a bare Bolt app each run in their own process, as in production, against the same
 * sandbox; this process only sends the load. The bot's footprint is read as it starts.
 */
async function ackAndFootprint(requests: number, concurrency: number): Promise<{ ack: AckFigures; footprint: BenchResults['footprint'] }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'release-bot-bench-ack-'));
  const logger = createLogger({ level: 'info', secrets: [], destination: pino.destination({ dest: join(dataDir, 'sandbox.log'), sync: false }), name: 'sandbox' });
  say('ack: starting a sandbox, the bot and a bare Bolt app');
  const sandbox = await startSandbox({ dataDir, fleetSize: 2, ipBlock: ACK_IP_BLOCK, logger });
  const bareSlack = await startFakeSlack({ token: BARE_TOKEN, channels: [], users: [] });
  const children: { stop(): Promise<void> }[] = [];
  try {
    // The sandbox's own start-up (its fleet booting) must not compete with the bot's for the two cores.
    await sleep(SANDBOX_SETTLE_MS);
    const { figures: footprint, running: bot } = await measureFootprint(ROOT, { ...sandbox.botEnv, PORT: '0', DATA_DIR: join(dataDir, 'bench-bot'), LOG_LEVEL: 'silent' }, FOOTPRINT_STARTS);
    children.push(bot);
    const bare = await startReportingChild(new URL('./bare-bolt-process.ts', import.meta.url), { SLACK_SIGNING_SECRET: sandbox.signingSecret, SLACK_BOT_TOKEN: BARE_TOKEN, SLACK_API_URL: bareSlack.apiUrl }, (r) => bareReport.parse(r));
    children.push(bare);
    say(`footprint of node ${footprint.artifact}: ready in ${footprint.readyMs} ms (median of ${footprint.starts}, slowest ${footprint.readyMaxMs} ms), ${footprint.rssMb} MB resident`);

    const releaser = SANDBOX_USERS[1];
    const channel = sandbox.service.slack.deployChannel;
    const load = (port: number, responseUrl: () => string, count: number) =>
      measureAcks({ url: eventsUrl(port), signingSecret: sandbox.signingSecret, requests: count, concurrency, body: mixedAckTraffic({ user: releaser, channel, responseUrl }) });
    const botResponseUrl = () => sandbox.slack.createResponseUrl({ user: releaser.id, channel });
    const bareResponseUrl = () => bareSlack.createResponseUrl({ user: releaser.id, channel });

    await load(bot.port, botResponseUrl, ACK_WARMUP);
    const botMs = await load(bot.port, botResponseUrl, requests);
    await load(bare.report.port, bareResponseUrl, ACK_WARMUP);
    const bareMs = await load(bare.report.port, bareResponseUrl, requests);
    const ack = ackFigures(botMs, bareMs, concurrency);
    say(`ack: bot p50 ${ack.p50Ms} ms, p99 ${ack.p99Ms} ms; bare Bolt p99 ${ack.bareBoltP99Ms} ms`);
    return { ack, footprint };
  } finally {
    for (const child of children) await child.stop();
    await bareSlack.close();
    await sandbox.stop();
    logger.flush();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = benchEnv.parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith('BENCH_') && value)));
  const runs: { strategy: Strategy; servers: number }[] = [
    ...options.BENCH_SIZES.map((servers) => ({ strategy: 'guided' as const, servers })),
    ...(options.BENCH_SKIP_BASELINES
      ? []
      : (['terminate-after-healthy', 'drain-all-at-once'] as const).map((strategy) => ({ strategy, servers: options.BENCH_BASELINE_SERVERS }))),
  ];
  say(`bench: ${runs.map((r) => `${r.strategy} ×${r.servers}`).join(', ')}; ${options.BENCH_SESSIONS_PER_SERVER} sessions per server, an edit every ${options.BENCH_EDIT_INTERVAL_MS} ms each`);

  say('bench: building the production artifact (npm run build without the type check)');
  await buildProduction();
  const { ack, footprint } = await ackAndFootprint(options.BENCH_ACK_REQUESTS, options.BENCH_ACK_CONCURRENCY);
  const swaps: SwapFigures[] = [];
  for (const run of runs) {
    const figures = await runSwapScenario({
      ...run,
      sessionsPerServer: options.BENCH_SESSIONS_PER_SERVER,
      arrivingPerServer: ARRIVING_PER_SERVER,
      editIntervalMs: options.BENCH_EDIT_INTERVAL_MS,
      say,
    });
    say(`${run.strategy} ×${run.servers}: ${JSON.stringify(figures)}`);
    swaps.push(figures);
  }

  const results: BenchResults = { swaps, ack, footprint };
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatResults(results)}\n\n`);
  say(`bench: done in ${((Date.now() - began) / 60_000).toFixed(1)} min; wrote ${RESULTS.pathname}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
