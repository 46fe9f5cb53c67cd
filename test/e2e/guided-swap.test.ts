import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guidedSwap } from '../../bench/guided-swap.js';
import { TAG } from '../../src/deploy/ports.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/run/start-sandbox.js';
import { startArrivals } from '../../src/sandbox/users/arrivals.js';
import { startUsers, type Users } from '../../src/sandbox/users/start-users.js';
import { locatePrometheusBinary } from '../support/prometheus-binary.js';
import { waitFor } from '../support/world.js';

const SERVERS = 10;
const SESSIONS_PER_SERVER = 20;
const prometheus = locatePrometheusBinary();

/** The correctness claim behind "invisible deploys", on real processes: nobody loses anything. */
describe('a guided swap of 10 board servers on the sandbox', () => {
  let dir: string;
  let sandbox: Sandbox;
  let users: Users;
  let arrivals: ReturnType<typeof startArrivals>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'release-bot-swap-'));
    const logger = createLogger({ level: 'info', secrets: [], destination: pino.destination({ dest: join(dir, 'sandbox.log'), sync: true }), name: 'sandbox' });
    sandbox = await startSandbox({ dataDir: dir, fleetSize: SERVERS, ipBlock: 120, bootDelayMs: 2_000, deregistrationDelaySeconds: 300, standInPrometheus: prometheus.skip, logger });
    const wsUrl = `${sandbox.lb.wsUrl.replace(/\/$/, '')}/ws`;
    users = startUsers({ url: wsUrl, storeUrl: sandbox.store.url, sessions: SERVERS * SESSIONS_PER_SERVER, boards: Math.round((SERVERS * SESSIONS_PER_SERVER) / 3), editIntervalMs: 2_000, rampUpMs: 5_000 });
    arrivals = startArrivals({ url: wsUrl, everyMs: 1_000, stayMs: 20_000, editIntervalMs: 3_000 });
    await waitFor(() => users.stats().joined === SERVERS * SESSIONS_PER_SERVER, 120_000, 'every simulated user in a board');
  }, 180_000);

  afterAll(async () => {
    await arrivals?.stop();
    await users?.stop();
    await sandbox?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('moves every session to the new servers with zero lost sessions and zero lost edits', async () => {
    await guidedSwap(sandbox, '1.1.0', () => undefined, 10 * 60_000);
    const serving = sandbox.emulator.state.ec2.instances().filter((i) => i.state === 'running' && i.tags[TAG.role] === 'fleet');
    expect(serving).toHaveLength(SERVERS);
    expect(serving.every((i) => i.tags[TAG.version] === '1.1.0')).toBe(true);
    await waitFor(() => users.stats().joined === SERVERS * SESSIONS_PER_SERVER, 30_000, 'every session back in its board');
    const verified = await users.verify();
    const stats = users.stats();
    expect(stats.lostSessions).toBe(0);
    expect(verified.lostEdits).toBe(0);
    expect(verified.checked).toBeGreaterThan(0);
    expect(stats.reconnects).toBeGreaterThanOrEqual(SERVERS * SESSIONS_PER_SERVER);
    expect(Object.keys(stats.sessionsByServer).every((server) => serving.some((i) => i.instanceId === server))).toBe(true);
  }, 12 * 60_000);
});
