import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { createAwsFleet } from '../src/adapters/aws/fleet.js';
import { createHttpDrainHook } from '../src/adapters/drain-hook/http-drain-hook.js';
import { createPrometheusBoardCounts } from '../src/adapters/prometheus/board-counts.js';
import { createLogger } from '../src/observability/logger.js';
import { startSandbox, type Sandbox } from '../src/sandbox/run/start-sandbox.js';
import { drainAllAtOnce, terminateAfterHealthy, type BaselineContext } from './baseline-swaps.js';
import { benchCatalog } from './bench-catalog.js';
import { guidedSwap } from './guided-swap.js';
import { pollUntil } from './poll-until.js';
import { swapFigures, type Strategy, type SwapFigures } from './swap-figures.js';
import { observeSwap } from './swap-observer.js';
import { startUserLoad, type UserLoad } from './user-load.js';

export interface ScenarioOptions {
  strategy: Strategy;
  servers: number;
  sessionsPerServer: number;
  arrivingPerServer: number;
  editIntervalMs: number;
  /** Progress lines for the terminal. */
  say(line: string): void;
}

const FROM_VERSION_TO = '1.1.0';
/** The sandbox's board servers listen on this port at their private IPs. */
const APP_PORT = 8080;
/** Longer than every drain timeout, so the load balancer never cuts a session a drain has not moved. */
const DEREGISTRATION_DELAY_SECONDS = 300;
/** Loopback block of the instances' private IPs, apart from the ones tests use, so a test running meanwhile never shares an address. */
const IP_BLOCK = 230;
const SWAP_TIMEOUT_MS = 20 * 60_000;
const JOIN_TIMEOUT_MS = 3 * 60_000;
const SETTLE_TIMEOUT_MS = 60_000;

/**
 * Every old board server answers /healthz at its private IP and is healthy in the load
 * balancer's group: users who connected while a target was still unhealthy would be hashed onto
 * other servers, and their boards would start split over two servers.
 */
async function fleetServing(sandbox: Sandbox, ids: string[]): Promise<void> {
  const { ec2, elb } = sandbox.emulator.state;
  const group = sandbox.service.targetGroups[sandbox.service.targetGroups.length - 1];
  const ips = ec2.instances().filter((i) => ids.includes(i.instanceId)).map((i) => i.privateIp);
  const answers = (ip: string) =>
    fetch(`http://${ip}:${APP_PORT}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
  const healthy = () => elb.describeHealth(group).filter((t) => ids.includes(t.instanceId) && t.state === 'healthy').length === ids.length;
  await pollUntil(async () => healthy() && (await Promise.all(ips.map(answers))).every(Boolean), JOIN_TIMEOUT_MS, 250, `${ids.length} board servers to answer and be healthy`);
}

/** The baselines use the bot's own adapters, driven by a plain script instead of the bot. */
async function runBaseline(options: ScenarioOptions, sandbox: Sandbox, started: () => void): Promise<void> {
  const { service } = sandbox;
  const drain = service.drain;
  if (!drain) throw new Error(`${service.name} has no drain settings`);
  const aws = await sandbox.emulator.listen();
  const fleet = createAwsFleet({ endpoints: { ec2: aws.url, elbv2: aws.url } });
  const ctx: BaselineContext = {
    service,
    fleet,
    drainHook: createHttpDrainHook({ env: sandbox.botEnv }),
    boards: createPrometheusBoardCounts({ baseUrl: sandbox.prometheus.url }),
    version: FROM_VERSION_TO,
    pollMs: drain.pollInterval,
    timeoutMs: drain.serverTimeout,
    started,
    progress: (line) => options.say(`${options.strategy} ×${options.servers}: ${line}`),
  };
  try {
    await (options.strategy === 'terminate-after-healthy' ? terminateAfterHealthy(ctx) : drainAllAtOnce(ctx));
  } finally {
    fleet.destroy();
    await aws.close();
  }
}

function runStrategy(options: ScenarioOptions, sandbox: Sandbox, started: () => void): Promise<void> {
  return options.strategy === 'guided' ? guidedSwap(sandbox, FROM_VERSION_TO, started, SWAP_TIMEOUT_MS) : runBaseline(options, sandbox, started);
}

/**
 * One swap on a fresh sandbox: N board servers of 1.0.0 with their users, swapped to 1.1.0 by the
 * strategy, watched from outside, then every acknowledged edit checked in the store.
 */
export async function runSwapScenario(options: ScenarioOptions): Promise<SwapFigures> {
  const { servers, say } = options;
  const label = `${options.strategy} ×${servers}`;
  const dataDir = await mkdtemp(join(tmpdir(), `release-bot-bench-${options.strategy}-${servers}-`));
  const logger = createLogger({ level: 'info', secrets: [], destination: pino.destination({ dest: join(dataDir, 'sandbox.log'), sync: false }), name: 'sandbox' });
  say(`${label}: starting the sandbox (log ${join(dataDir, 'sandbox.log')})`);
  const sandbox = await startSandbox({
    dataDir,
    fleetSize: servers,
    fast: true,
    ipBlock: IP_BLOCK,
    deregistrationDelaySeconds: DEREGISTRATION_DELAY_SECONDS,
    tuneCatalog: (yaml) => benchCatalog(yaml),
    logger,
  });
  let users: UserLoad | null = null;
  let ok = false;
  try {
    const oldIds = sandbox.emulator.state.ec2.instances().filter((i) => i.state === 'running').map((i) => i.instanceId);
    await fleetServing(sandbox, oldIds);
    say(`${label}: ${oldIds.length} servers of 1.0.0 serving (${sandbox.prometheus.kind} Prometheus); connecting users`);
    users = startUserLoad({
      url: `${sandbox.lb.wsUrl.replace(/\/$/, '')}/ws`,
      storeUrl: sandbox.store.url,
      servers,
      sessionsPerServer: options.sessionsPerServer,
      arrivingPerServer: options.arrivingPerServer,
      editIntervalMs: options.editIntervalMs,
    });
    const load = users;
    await pollUntil(() => load.stats().joined === load.residents, JOIN_TIMEOUT_MS, 250, `${load.residents} sessions to join their boards`);
    say(`${label}: ${load.residents} sessions in their boards (${load.stats().boardsOpen} board${load.stats().boardsOpen === 1 ? '' : 's'} open for ${load.boards} in use); swapping to ${FROM_VERSION_TO} (${options.arrivingPerServer * servers} more arrive once the new servers are healthy)`);

    const observer = observeSwap(sandbox, load, oldIds);
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    try {
      const arrivals = observer.newHealthy(servers, SWAP_TIMEOUT_MS).then(() => {
        say(`${label}: ${servers} new servers healthy; ${options.arrivingPerServer * servers} sessions arriving`);
        load.arrive();
      });
      await Promise.all([runStrategy(options, sandbox, observer.start), observer.oldTerminated(SWAP_TIMEOUT_MS), arrivals]);
      lag.disable();
      const swapped = observer.seen();
      const lowest = observer.lowest();
      const dip = lowest && lowest.others.length > 0 ? `; fewest healthy targets ${lowest.healthy} at +${((lowest.at - swapped.startedAt) / 1000).toFixed(1)} s: ${lowest.others.slice(0, 3).join(', ')}` : '';
      say(`${label}: last old server terminated after ${((swapped.endedAt - swapped.startedAt) / 1000).toFixed(1)} s (event loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms${dip}); letting users settle`);
      await pollUntil(() => load.stats().joined === load.sessions, SETTLE_TIMEOUT_MS, 250, 'every session back in its board').catch((error: Error) => say(`${label}: ${error.message}`));
      await load.stop();
      const lostEdits = await load.lostEdits();
      const stats = load.stats();
      // Read again after settling: sessions cut by a termination rejoin after the last old server is gone.
      const seen = observer.seen();
      const figures = swapFigures({
        strategy: options.strategy,
        servers,
        sessions: load.sessions,
        lostSessions: stats.lostSessions,
        lostEdits,
        reconnectGapsMs: load.reconnectGapsMs(),
        gateObserveMs: options.strategy === 'guided' ? sandbox.service.release.gate.observe : 0,
        ...seen,
      });
      ok = true;
      return figures;
    } finally {
      lag.disable();
      observer.stop();
    }
  } finally {
    await users?.stop();
    await sandbox.stop();
    logger.flush();
    if (ok) await rm(dataDir, { recursive: true, force: true });
    else say(`${label}: kept ${dataDir} for a look`);
  }
}
