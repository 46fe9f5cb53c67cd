import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpDrainHook } from '../../src/adapters/drain-hook/http-drain-hook.js';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { TAG, type BoardCounts, type Changelog, type DrainHook, type Fleet, type NewErrors, type Tickets } from '../../src/deploy/ports.js';
import { initialPrereleaseFacts, type PrereleaseFacts } from '../../src/deploy/prerelease/facts.js';
import { createPrereleaseWorkflow } from '../../src/deploy/prerelease/workflow.js';
import type { ReleaseFacts } from '../../src/deploy/release/facts.js';
import { planRelease } from '../../src/deploy/release/request.js';
import { createReleaseWorkflow } from '../../src/deploy/release/workflow.js';
import { Runner } from '../../src/deploy/runner.js';
import type { ActionKind } from '../../src/deploy/records.js';
import type { DeployStore, StoredDeploy } from '../../src/deploy/store-port.js';
import type { IamOptions } from '../../src/sandbox/aws/iam-authorizer.js';
import { renderThreadNote } from '../../src/slack/blocks/thread-note.js';
import { openStore } from '../../src/store/open-store.js';
import { emulatedAccount } from '../adapters/aws/emulated-account.js';
import { exampleService } from '../support/catalog.js';
import { visibleText } from '../slack/fixtures.js';

const SECOND = 1000;
export const NEW_VERSION = '1.5.0';
export const RELEASE_ID = 'rl-fault1';
export const PRERELEASE_ID = 'pr-fault1';
export const DRAIN_TOKEN = 'drain-token-fault-matrix';

/** How the application's drain endpoint answers one server. */
export type HookAnswer = 'ok' | 'error' | 'hang';

/**
 * The board service with minute-scale timings, two subnets (so a launch is two RunInstances),
 * no deploy window, no keep-warm, and a drain hook on a local port.
 */
function faultService(hookPort: number, patch: (yaml: string) => string): ServiceConfig {
  return exampleService((yaml) =>
    patch(
      yaml
        .replace(/ {4}windows:\n( {6}.*\n)+/, '')
        .replace('subnets: [subnet-0a1b2c3d]', 'subnets: [subnet-0a1b2c3d, subnet-0e5f6a7b]')
        .replace('keepWarm: 30m', 'keepWarm: 0s')
        .replace('healthyTimeout: 15m\n      gate', 'healthyTimeout: 2m\n      gate')
        .replace('gate: { minBoards: 1, timeout: 10m, observe: 30s }', 'gate: { minBoards: 2, timeout: 2m, observe: 5s }')
        .replace('url: http://{privateIp}:8080/drain', `url: http://127.0.0.1:${hookPort}/drain/{privateIp}/{instanceId}`)
        .replace('timeout: 10s', 'timeout: 300ms')
        .replace('serverTimeout: 10m', 'serverTimeout: 1m')
        .replace('minSoak: 4h', 'minSoak: 10m'),
    ),
  );
}

/**
 * Users on the servers: once an old server's drain hook was answered, its users are on the new
 * servers at the next read; new servers gain a few users of their own.
 */
function boardUsers(freshIds: () => string[]) {
  const boards = new Map<string, number>();
  const hooked = new Set<string>();
  const counts: BoardCounts = {
    async read(_service, instances) {
      const fresh = freshIds();
      for (const id of hooked) {
        const moving = boards.get(id) ?? 0;
        fresh.forEach((target, k) => boards.set(target, (boards.get(target) ?? 0) + Math.floor(moving / fresh.length) + (k < moving % fresh.length ? 1 : 0)));
        if (fresh.length > 0) boards.set(id, 0);
      }
      for (const id of fresh) if (!hooked.has(id) && (boards.get(id) ?? 0) < 3) boards.set(id, (boards.get(id) ?? 0) + 1);
      return instances.map((i) => ({ instanceId: i.instanceId, boards: boards.get(i.instanceId) ?? 0 }));
    },
  };
  return { boards, hooked, counts };
}

/** The application's drain endpoint: answers each server as told and moves its users when it succeeds. */
async function drainEndpoint(onDrained: (instanceId: string) => void) {
  const answers = new Map<string, HookAnswer>();
  const received: string[] = [];
  const server = createServer((req, res) => {
    const instanceId = (req.url ?? '').split('/').pop() as string;
    received.push(instanceId);
    const answer = answers.get(instanceId) ?? 'ok';
    if (answer === 'hang') return;
    if (answer === 'error') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('drain failed: session store unavailable');
    onDrained(instanceId);
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    answers,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FaultWorldOptions {
  /** Further catalog changes for one test. */
  catalog?: (yaml: string) => string;
  /** Ports the test puts in place of the simulated ones (real adapters against fakes). */
  ports?: (world: { service: ServiceConfig; users: ReturnType<typeof boardUsers> }) => { boards?: BoardCounts; tickets?: Tickets | null; newErrors?: NewErrors };
  /** Wraps the store the runner writes to (a disk that fills up). */
  store?: (store: DeployStore) => DeployStore;
  /** Wraps the fleet the workflows use, to act at the moment of an AWS call. */
  fleet?: (fleet: Fleet) => Fleet;
  /** An IAM policy the emulated account enforces (none: every call is allowed). */
  iam?: IamOptions;
}

/**
 * The domain at work on real adapters where the fault lives: the runner on a sqlite file, the
 * release and pre-release workflows, the AWS adapter against the Query-protocol emulator, the HTTP
 * drain hook against a local endpoint, one manual clock for the bot and the emulated account.
 * What the thread says is read through the Slack renderers.
 */
export async function startFaultWorld(options: FaultWorldOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'release-bot-faults-'));
  let users: ReturnType<typeof boardUsers> | null = null;
  const endpoint = await drainEndpoint((id) => users?.hooked.add(id));
  const service = faultService(endpoint.port, options.catalog ?? ((y) => y));
  const account = await emulatedAccount({ service, fleet: { version: '1.4.2', count: 2 }, maxAttempts: 2, iam: options.iam });
  const { time, emulator } = account;
  const instanceOf = (id: string) => emulator.state.ec2.instance(id);
  const freshIds = () => emulator.state.ec2.instances().filter((i) => i.state === 'running' && i.tags[TAG.version] === NEW_VERSION).map((i) => i.instanceId);
  users = boardUsers(freshIds);
  for (const old of account.seeded.fleet) users.boards.set(old.instanceId, 50);

  const file = join(dir, 'release-bot.sqlite');
  const sqlite = await openStore({ file, busyTimeoutMs: 50 });
  const store = options.store?.(sqlite) ?? sqlite;
  const fleet = options.fleet?.(account.fleet) ?? account.fleet;
  const changelog: Changelog = {
    async between() {
      return { entries: [{ sha: 'ccc333', subject: 'BOARD-107 Keep the cursor after a reconnect', author: 'Ana', date: '2026-02-27', issueKeys: ['BOARD-107'] }], omitted: 0 };
    },
  };
  const chosen = options.ports?.({ service, users }) ?? {};
  const drainHook: DrainHook = createHttpDrainHook({ env: { BOARD_DRAIN_TOKEN: DRAIN_TOKEN } });
  const workflows = {
    release: createReleaseWorkflow({ fleet, boards: chosen.boards ?? users.counts, drainHook, tickets: chosen.tickets ?? null, changelog }),
    prerelease: createPrereleaseWorkflow({ fleet, newErrors: chosen.newErrors ?? { newIssues: async () => [] }, changelog, removeTimeoutMs: 60 * SECOND }),
  };
  const newRunner = (on: DeployStore = store) => new Runner({ store: on, clock: time, service: () => service, workflows, retryDelayMs: () => 5 * SECOND });
  let runner = newRunner();

  const planDeps = () => ({ services: { board: service }, fleet: account.fleet, directory: { membersOf: async () => ['U0REL'] }, store: sqlite, changelog, configured: { prometheus: true } });

  async function deploy<F = ReleaseFacts>(id: string) {
    return (await sqlite.getDeploy(id)) as StoredDeploy & { facts: F };
  }

  return {
    service,
    account,
    emulator,
    time,
    sqlite,
    store,
    file,
    users,
    endpoint,
    get runner() {
      return runner;
    },
    /** A bot that starts afresh on the same database: nothing of the old one's memory survives. */
    restart(on: DeployStore = store) {
      runner = newRunner(on);
    },
    deploy,
    release: () => deploy(RELEASE_ID),
    prerelease: () => deploy<PrereleaseFacts>(PRERELEASE_ID),

    /** What `/release board 1.5.0` would answer now, changing nothing. */
    planAgain: () => planRelease(planDeps(), { service: 'board', version: NEW_VERSION, reason: 'fault matrix', overrideWindow: false }, 'U0REL', time.now()),

    /** A person's answer in the deploy's thread (Retry, Skip with a reason, Rollback, Reject…). */
    answer: (id: string, action: ActionKind, reason: string | null = null) => sqlite.addAction({ deployId: id, action, actor: 'U0REL', reason, at: time.now() }),

    /** Plans a release of 1.5.0 and presses Start. */
    async startRelease(): Promise<void> {
      const proposal = await planRelease(planDeps(), { service: 'board', version: NEW_VERSION, reason: 'fault matrix', overrideWindow: false }, 'U0REL', time.now());
      if (!proposal.ok) throw new Error(proposal.problem);
      await sqlite.acquireLock({ service: 'board', deployId: RELEASE_ID, holder: 'U0REL', reason: 'release', since: time.now() });
      await sqlite.createDeploy(
        { id: RELEASE_ID, service: 'board', kind: 'release', version: NEW_VERSION, state: 'planned', actor: 'U0REL', reason: 'fault matrix', facts: proposal.facts as unknown as Record<string, unknown>, wakeAt: null, at: time.now() },
        { actor: 'U0REL', action: 'release_planned' },
      );
      await sqlite.addAction({ deployId: RELEASE_ID, action: 'start', actor: 'U0REL', reason: null, at: time.now() });
    },

    /** Requests a pre-release of 1.5.0 with one canary. */
    async startPrerelease(canaries = 1): Promise<void> {
      const image = await account.fleet.findImage(service, NEW_VERSION);
      if (!image) throw new Error('no image of the new version');
      const facts = initialPrereleaseFacts(image, canaries, { version: '1.4.2', commit: 'bbb222' });
      await sqlite.createDeploy(
        { id: PRERELEASE_ID, service: 'board', kind: 'prerelease', version: NEW_VERSION, state: 'requested', actor: 'U0DEPLOYER', reason: null, facts: facts as unknown as Record<string, unknown>, wakeAt: time.now(), at: time.now() },
        { actor: 'U0DEPLOYER', action: 'prerelease_requested' },
      );
    },

    /** Moves both clocks by `ms` and lets the runner take every step that is due. */
    async tick(ms = SECOND): Promise<void> {
      await time.advance(ms);
      await runner.runDue();
    },

    /** Ticks until the deploy matches or `limit` ticks passed; returns it either way. */
    async until(id: string, done: (d: Awaited<ReturnType<typeof deploy>>) => boolean, limit = 400, ms = SECOND) {
      for (let t = 0; t < limit; t++) {
        const d = await deploy(id);
        if (done(d)) return d;
        await this.tick(ms);
      }
      return deploy(id);
    },

    /** Every thread message of a deploy so far, as a reader sees it (buttons and dialogs included). */
    async thread(id: string): Promise<string[]> {
      const d = await deploy(id);
      if (!d.slackTs) await sqlite.setSlackMessage(id, 'C0DEPLOYS1', '1700000000.000100');
      const notes = await sqlite.pendingNotes(Number.MAX_SAFE_INTEGER, 10_000);
      return notes.filter((n) => n.deployId === id).map((n) => visibleText(renderThreadNote(n.note, d)));
    },

    /** Instances this deploy launched that are still pending or running in the account. */
    liveLaunchedBy(id: string): string[] {
      return emulator.state.ec2
        .instances()
        .filter((i) => i.tags[TAG.deployId] === id && (i.state === 'pending' || i.state === 'running'))
        .map((i) => i.instanceId);
    },

    oldInstanceIds: () => account.seeded.fleet.map((i) => i.instanceId),
    stateOf: (id: string) => instanceOf(id)?.state,
    calls: (action: string) => emulator.requests.calls(action),

    async close() {
      await runner.stop();
      await sqlite.close().catch(() => undefined);
      await endpoint.close();
      await account.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type FaultWorld = Awaited<ReturnType<typeof startFaultWorld>>;
