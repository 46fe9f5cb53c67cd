import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createJiraTickets } from '../../src/adapters/jira/jira-tickets.js';
import { createPrometheusBoardCounts } from '../../src/adapters/prometheus/board-counts.js';
import { createSentryNewErrors } from '../../src/adapters/sentry/new-errors.js';
import { TAG, type BoardCounts, type Tickets } from '../../src/deploy/ports.js';
import { retryJira } from '../../src/deploy/release/jira-retry.js';
import type { ThreadNote } from '../../src/deploy/records.js';
import type { DeployStore } from '../../src/deploy/store-port.js';
import { SANDBOX_JIRA_USER } from '../../src/sandbox/jira/auth.js';
import type { IamOptions } from '../../src/sandbox/aws/iam-authorizer.js';
import type { PolicyStatement } from '../../src/sandbox/aws/iam-policy.js';
import { readmePolicy } from '../../src/sandbox/aws/readme-policy.js';
import { startFakeJira, type FakeJira } from '../../src/sandbox/jira/fake-jira.js';
import { startFakePrometheus, type FakePrometheus } from '../../src/sandbox/prometheus/fake-prometheus.js';
import { startFakeSentry, type FakeSentry } from '../../src/sandbox/sentry/fake-sentry.js';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack/server.js';
import { renderParent } from '../../src/slack/blocks/render-parent.js';
import { renderThreadNote } from '../../src/slack/blocks/thread-note.js';
import { createNotifier } from '../../src/slack/notifier.js';
import { storeError } from '../../src/store/store-errors.js';
import { openRaw } from '../store/raw-sqlite.js';
import { startBoardExporter, type BoardExporter } from '../adapters/prometheus/board-exporter.js';
import { PRERELEASE_ID, RELEASE_ID, startFaultWorld, type FaultWorld, type FaultWorldOptions, type HookAnswer } from './fault-world.js';

/**
 * The fault matrix: each outside failure the bot must survive, injected where it lives (the AWS
 * emulator, Prometheus, Sentry, Jira, Slack, the drain endpoint, the bot's own database), with
 * what the deploy's thread then says and proof that nothing unsafe happened.
 */

let world: FaultWorld;
afterEach(async () => {
  await world?.close();
});

async function start(options: FaultWorldOptions = {}): Promise<FaultWorld> {
  world = await startFaultWorld(options);
  return world;
}

const joined = async (id: string) => (await world.thread(id)).join('\n---\n');

describe('fault 1: EC2 throttles the bot (RequestLimitExceeded, Throttling)', () => {
  it('rides out one throttled RunInstances inside the SDK retries and says nothing about it', async () => {
    await start();
    world.emulator.faults.throttle('RunInstances');
    await world.startRelease();
    const registering = await world.until(RELEASE_ID, (d) => d.state === 'registering');

    expect(registering.facts.launchedIds).toHaveLength(2);
    expect(world.calls('RunInstances').map((c) => c.errorCode)).toContain('RequestLimitExceeded');
    expect(await joined(RELEASE_ID)).not.toContain('RequestLimitExceeded');
  });

  it('retries a step whose calls stay throttled past the SDK retries, names the throttling once, and launches nothing twice', async () => {
    await start();
    world.emulator.faults.throttle('RunInstances', 2);
    world.emulator.faults.throttle('DescribeTargetHealth', 4);
    await world.startRelease();
    const gating = await world.until(RELEASE_ID, (d) => d.state === 'gating');

    expect(gating.state).toBe('gating');
    expect(world.liveLaunchedBy(RELEASE_ID)).toHaveLength(2);
    const tokens = world.calls('RunInstances').filter((c) => !c.errorCode).map((c) => c.params.ClientToken);
    expect(new Set(tokens).size).toBe(2);
    const thread = await joined(RELEASE_ID);
    expect(thread).toMatch(/⚠️ \*AWS:\* AWS RunInstances failed with RequestLimitExceeded \(HTTP 503\)[^\n]*\n\*What I did:\* Nothing was changed; retrying the launching step in 5s\./);
    expect(thread).toMatch(/⚠️ \*AWS:\* AWS DescribeTargetHealth failed with Throttling \(HTTP 400\)[^\n]*\n\*What I did:\* Nothing was changed; retrying the registering step in 5s\./);
    expect(thread.match(/Throttling/g)).toHaveLength(1);
  });
});

describe('fault 2: EC2 has no capacity (InsufficientInstanceCapacity)', () => {
  const secondSubnet = (params: Record<string, string>) => params.SubnetId === 'subnet-0e5f6a7b';

  it('rolls a release back with a clear message and terminates what the same launch step already started', async () => {
    await start();
    world.emulator.faults.add({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: Infinity, when: secondSubnet });
    await world.startRelease();
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null);

    expect(done.outcome).toBe('rolled_back');
    const launched = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === RELEASE_ID);
    expect(launched).toHaveLength(1);
    expect(world.liveLaunchedBy(RELEASE_ID)).toEqual([]);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
    const thread = await joined(RELEASE_ID);
    expect(thread).toContain('❌ *Failed:* AWS has no capacity for t3.small in subnet-0e5f6a7b right now (InsufficientInstanceCapacity from RunInstances). Try another instance type (launch.instanceType) or another subnet/AZ (launch.subnets) for board, or retry later.');
    expect(thread).toContain('*What I did:* Removing what was launched; the old servers keep serving.');
    expect(thread).toContain(`🧹 Deregistered and terminated 1 instance: \`${launched[0].instanceId}\``);
  });

  it('fails a pre-release with a clear message and leaves no canary of the half-done launch behind', async () => {
    await start();
    world.emulator.faults.add({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: Infinity, when: secondSubnet });
    await world.startPrerelease(2);
    const done = await world.until(PRERELEASE_ID, (d) => d.finishedAt !== null, 200, 5_000);

    expect(done.outcome).toBe('failed');
    expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === PRERELEASE_ID)).toHaveLength(1);
    expect(world.liveLaunchedBy(PRERELEASE_ID)).toEqual([]);
    const thread = await joined(PRERELEASE_ID);
    expect(thread).toContain('InsufficientInstanceCapacity from RunInstances');
    expect(thread).toContain('*What I did:* Removing whatever was launched; nothing else changed.');
    expect(thread).toMatch(/🧹 Deregistered and terminated 1 instance/);
  });
});

describe('fault 3: a new server never becomes healthy', () => {
  it.each([
    ['Target.FailedHealthChecks', 'Health checks failed'],
    ['Target.Timeout', 'Request timed out'],
  ])('rolls the release back after the healthy timeout, showing the load balancer reason %s', async (reason, description) => {
    await start();
    await world.startRelease();
    const registering = await world.until(RELEASE_ID, (d) => d.state === 'registering');
    const sick = registering.facts.launchedIds[0];
    world.emulator.faults.neverHealthy(sick, reason);
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 400, 5_000);

    expect(done.outcome).toBe('rolled_back');
    expect(done.facts.problem).toContain(`${sick} unhealthy (${reason}: ${description})`);
    expect(world.liveLaunchedBy(RELEASE_ID)).toEqual([]);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
    expect(world.calls('DeregisterTargets').flatMap((c) => Object.values(c.params))).not.toContain(world.oldInstanceIds()[0]);
    const thread = await joined(RELEASE_ID);
    expect(thread).toContain(`• \`${sick}\` in board-http: unhealthy (${reason}: ${description})`);
    expect(thread).toContain('*What I did:* Rolling back; the old servers keep serving.');
  });
});

/** A port nothing listens on: connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Nothing was terminated, nothing terminates while the release waits, and the thread asks about these servers. */
async function expectPausedAndAsking(ids: string[], says: RegExp) {
  const paused = await world.release();
  expect(paused.state).toBe('paused');
  expect(paused.facts.pause).toMatchObject({ kind: expect.stringMatching(/unknown|stuck/), instanceIds: expect.arrayContaining(ids) });
  for (let t = 0; t < 24; t++) await world.tick(5_000);
  expect((await world.release()).state).toBe('paused');
  expect(world.calls('TerminateInstances')).toEqual([]);
  expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
  const question = (await world.thread(RELEASE_ID)).filter((m) => m.includes('The release is paused.'));
  expect(question).toHaveLength(1);
  expect(question[0]).toMatch(says);
  for (const id of ids) expect(question[0]).toContain(id);
  expect(question[0]).toContain('Wait');
  expect(question[0]).toContain('Terminate anyway');
}

describe('fault 4: Prometheus cannot say how many boards a server holds', () => {
  let prometheus: FakePrometheus | undefined;
  const exporters: BoardExporter[] = [];
  afterEach(async () => {
    await prometheus?.close();
    prometheus = undefined;
    await Promise.all(exporters.splice(0).map((e) => e.close()));
  });

  /**
   * Board counts through the real Prometheus adapter for the servers `routed` names (every server,
   * once the drain reads old ones, when it answers true), the simulated users for the rest.
   */
  function throughPrometheus(url: () => string, routed: (instanceId: string, drainRead: boolean) => boolean, beforeRead = () => {}): FaultWorldOptions['ports'] {
    return ({ users }) => {
      const boards: BoardCounts = {
        async read(service, instances) {
          const drainRead = instances.some((i) => world.oldInstanceIds().includes(i.instanceId));
          const asked = instances.filter((i) => routed(i.instanceId, drainRead));
          if (asked.length > 0) beforeRead();
          const real = await createPrometheusBoardCounts({ baseUrl: url(), timeoutMs: 2_000 }).read(service, asked);
          const simulated = await users.counts.read(service, instances);
          return simulated.map((s) => real.find((r) => r.instanceId === s.instanceId) ?? s);
        },
      };
      return { boards };
    };
  }

  async function drainPauses() {
    await world.startRelease();
    return world.until(RELEASE_ID, (d) => d.state === 'paused' || d.finishedAt !== null, 400);
  }

  it('pauses the drain and asks when Prometheus refuses connections', async () => {
    const port = await closedPort();
    await start({ ports: throughPrometheus(() => `http://127.0.0.1:${port}`, (_id, drainRead) => drainRead) });
    await drainPauses();
    await expectPausedAndAsking(world.oldInstanceIds(), /cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('pauses the drain and asks when Prometheus answers its queries with errors (HTTP 500, status error)', async () => {
    prometheus = await startFakePrometheus({ scrapeIntervalMs: 3_600_000 });
    const failing = prometheus;
    await start({ ports: throughPrometheus(() => failing.url, (_id, drainRead) => drainRead, () => failing.failNext(1, { status: 500, errorType: 'internal', error: 'out of memory' })) });
    await drainPauses();
    await expectPausedAndAsking(world.oldInstanceIds(), /Prometheus answered HTTP 500, internal: out of memory/);
  });

  /** One old server scraped by Prometheus through `exporter`; the other servers read normally. */
  async function oneServerThrough(exporter: BoardExporter) {
    prometheus = await startFakePrometheus({ scrapeIntervalMs: 3_600_000 });
    const scraping = prometheus;
    exporters.push(exporter);
    let victim = '';
    await start({
      ports: throughPrometheus(
        () => scraping.url,
        (id) => id === victim,
        () => void scraping.scrapeNow(),
      ),
    });
    victim = world.oldInstanceIds()[1];
    scraping.setTargets([{ targets: [exporter.address], labels: { instance: `${world.account.emulator.state.ec2.instance(victim)?.privateIp}:9100` } }]);
    await scraping.scrapeNow();
    return victim;
  }

  it('pauses the drain and asks when the board count series of one server is missing', async () => {
    const victim = await oneServerThrough(await startBoardExporter(null));
    await drainPauses();
    await expectPausedAndAsking([victim], /no board count series for [\d.]+:9100/);
  });

  it('pauses the drain and asks when the scrape of one server fails (up == 0)', async () => {
    const exporter = await startBoardExporter(50);
    exporter.failWith(503);
    const victim = await oneServerThrough(exporter);
    await drainPauses();
    await expectPausedAndAsking([victim], /scrape of [\d.]+:9100 failing \(up == 0\)/);
  });
});

describe('fault 5: Sentry rate-limits or fails while a canary soaks', () => {
  const TOKEN = 'sntrys-fault-matrix-token';
  let sentry: FakeSentry | undefined;
  afterEach(async () => {
    await sentry?.close();
    sentry = undefined;
  });

  async function soaking(catalog: (yaml: string) => string = (y) => y) {
    sentry = await startFakeSentry({ token: TOKEN, org: 'acme', projects: [{ id: '7', slug: 'board' }], now: () => world.time.now() });
    const api = sentry;
    await start({ catalog, ports: () => ({ newErrors: createSentryNewErrors({ baseUrl: api.url, token: TOKEN, clock: { now: () => world.time.now() } }) }) });
    await world.startPrerelease();
    await world.until(PRERELEASE_ID, (d) => d.state === 'soaking', 100, 5_000);
    return api;
  }
  const issueReads = () => sentry!.requests.filter((r) => r.url.includes('/issues/')).length;

  it('asks nothing of Sentry before the reset time of a 429 and says when it will ask again', async () => {
    const api = await soaking();
    await world.tick(60_000);
    const resetAt = Math.floor(world.time.now() / 1000) + 60 + 600;
    api.rateLimitNext(1, { resetAt, retryAfter: 600 });
    await world.tick(60_000);
    const limitedAt = issueReads();
    expect((await world.prerelease()).facts.sentryNextPollAt).toBe(resetAt * 1000);

    while (world.time.now() < resetAt * 1000 - 60_000) await world.tick(60_000);
    expect(issueReads()).toBe(limitedAt);
    await world.tick(60_000);
    expect(issueReads()).toBe(limitedAt + 1);

    const thread = await joined(PRERELEASE_ID);
    expect(thread).toMatch(/⚠️ \*Sentry:\* Sentry rate limit reached while listing new issues of board 1\.5\.0 [^\n]*\(429[^\n]*retry after \d{4}-\d\d-\d\dT/);
    expect(thread).toContain('*What I did:* Asking Sentry again in 10m, when it said to; until Sentry answers, this soak cannot approve itself.');
    expect(thread).toContain('Sentry is readable again (it failed for 10m).');
  });

  it('never approves itself while Sentry answers 5xx, says so once, and approves once Sentry answers again', async () => {
    const api = await soaking((y) => y.replace('autoApprove: false', 'autoApprove: true'));
    api.failNext(12, 502);
    for (let t = 0; t < 12; t++) await world.tick(60_000);
    const waiting = await world.prerelease();
    expect(waiting.state).toBe('soaking');
    expect(waiting.facts.sentry.ok).toBe(false);
    expect(world.time.now() - (waiting.facts.soakStartedAt as number)).toBeGreaterThan(10 * 60_000);
    await world.tick(60_000);
    expect((await world.prerelease()).outcome).toBe('approved');

    const thread = await world.thread(PRERELEASE_ID);
    const sentryNotes = thread.filter((m) => m.startsWith('⚠️ *Sentry:*'));
    expect(sentryNotes).toHaveLength(1);
    expect(sentryNotes[0]).toMatch(/Sentry had a server error while listing new issues of board 1\.5\.0 [^\n]*\(502/);
    expect(sentryNotes[0]).toContain('*What I did:* Retrying at the next poll; until Sentry answers, this soak cannot approve itself.');
    expect(world.liveLaunchedBy(PRERELEASE_ID)).toHaveLength(1);
  });
});

describe('fault 6: Jira refuses or fails when the release closes its issues', () => {
  let jira: FakeJira | undefined;
  let tickets: Tickets;
  afterEach(async () => {
    await jira?.close();
    jira = undefined;
  });

  it.each([
    [401, /Jira rejected the credentials while reading BOARD-107 \(401/],
    [410, /Jira no longer offers the API used for reading BOARD-107 \(410/],
    [503, /Jira answered 503[^\n]*that is usually temporary/],
  ])('completes the release when Jira answers %i, reports the Jira step with Retry Jira, and the retry closes the issue', async (status, says) => {
    jira = await startFakeJira();
    const fake = jira;
    tickets = createJiraTickets({ url: fake.url, email: SANDBOX_JIRA_USER.email, apiToken: SANDBOX_JIRA_USER.apiToken });
    await start({ ports: () => ({ tickets }) });
    fake.failNext(status);
    await world.startRelease();
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 600);

    expect(done.outcome).toBe('released');
    expect(world.calls('TerminateInstances')).toHaveLength(1);
    expect(fake.issue('BOARD-107').statusCategory).not.toBe('done');
    const jiraNote = (await world.thread(RELEASE_ID)).find((m) => m.startsWith('🎫 *Jira:*')) as string;
    expect(jiraNote).toMatch(says);
    expect(jiraNote).toContain('Retry Jira');
    expect((await world.thread(RELEASE_ID)).at(-1)).toMatch(/^✅ \*Released board 1\.5\.0\* in /);

    await retryJira({ store: world.sqlite, tickets, now: () => world.time.now() }, await world.release(), world.service, 'U0REL');
    expect(fake.issue('BOARD-107').statusCategory).toBe('done');
    const retried = (await world.thread(RELEASE_ID)).filter((m) => m.startsWith('🎫 *Jira:*')).at(-1) as string;
    expect(retried).toContain('1/1 issue moved to done');
    expect(retried).not.toContain('Retry Jira');
  });
});

describe('fault 7: Slack rate-limits the bot (429 on chat.postMessage and chat.update)', () => {
  const TOKEN = 'xoxb-fault-matrix-token';
  const DEPLOYS = 'C0DEPLOYS1';
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  it('waits out every Retry-After, keeps coalescing progress edits, and delivers every thread message of a release in order', async () => {
    slack = await startFakeSlack({ token: TOKEN, channels: [{ id: DEPLOYS, name: 'deploys' }, { id: 'C0RELEASE1', name: 'releases' }], users: [], now: () => world.time.now() });
    const fake = slack;
    await start();
    const render = (d: Parameters<typeof renderParent>[0]) => renderParent(d, world.service, world.time.now());
    const notifier = createNotifier({
      store: world.sqlite,
      client: new WebClient(TOKEN, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
      catalog: { services: { board: world.service } },
      render,
      clock: world.time,
    });
    const retryAfter: Record<string, number> = { 'chat.postMessage': 5, 'chat.update': 10 };
    const limitedAt = new Set<string>();
    const limitOnce = (state: string, method: string, times: number) => {
      if (limitedAt.has(state)) return;
      limitedAt.add(state);
      fake.rateLimit(method, times, retryAfter[method]);
    };

    await world.startRelease();
    limitOnce('planned', 'chat.postMessage', 2);
    for (let t = 0; t < 2_000; t++) {
      const d = await world.release();
      if (d.state === 'gating') limitOnce('gating', 'chat.update', 2);
      if (d.state === 'draining') limitOnce('draining', 'chat.postMessage', 3);
      if (d.finishedAt !== null && d.renderedRevision === d.revision && (await world.sqlite.pendingNotes(Number.MAX_SAFE_INTEGER, 1)).length === 0) break;
      await world.tick(500);
      await notifier.flush();
    }

    const released = await world.release();
    expect(released.outcome).toBe('released');
    expect(limitedAt).toEqual(new Set(['planned', 'gating', 'draining']));
    const calls = fake.workspace.calls('chat.postMessage').concat(fake.workspace.calls('chat.update')).sort((a, b) => a.at - b.at);
    const refused = calls.filter((c) => !c.ok);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(calls.filter((c) => c !== r && c.at > r.at && c.at < r.at + retryAfter[r.method] * 1000)).toEqual([]);

    const edits = fake.workspace.calls('chat.update').filter((c) => c.ok);
    for (let i = 1; i < edits.length; i++) expect(edits[i].at - edits[i - 1].at).toBeGreaterThanOrEqual(2_000);
    expect(edits.length).toBeLessThan(released.revision - 1);
    const parent = fake.workspace.messages(DEPLOYS);
    expect(parent).toHaveLength(1);
    expect(parent[0].text).toBe(render(released).text);

    const raw = await openRaw(world.file);
    const written = (await raw.all<{ note: string }>('SELECT note FROM outbox WHERE deploy_id = ? ORDER BY id', [RELEASE_ID])).map((r) => JSON.parse(r.note) as ThreadNote);
    await raw.close();
    const expected = written.filter((n) => n.type !== 'announce').map((n) => renderThreadNote(n, released).text);
    expect(expected.length).toBeGreaterThan(8);
    expect(fake.workspace.thread(DEPLOYS, parent[0].ts).map((m) => m.text)).toEqual(expected);
    expect(fake.workspace.messages('C0RELEASE1')).toHaveLength(1);
  });
});

describe('fault 8: the application\'s drain hook fails', () => {
  it.each<[string, HookAnswer, RegExp]>([
    ['answers HTTP 500', 'error', /answered 500: drain failed: session store unavailable/],
    ['does not answer within its timeout', 'hang', /timed out after 300ms/],
  ])('sends the hook of a server whose hook %s once more, then asks in the thread', async (_name, answer, says) => {
    await start();
    const stuck = world.oldInstanceIds()[0];
    world.endpoint.answers.set(stuck, answer);
    await world.startRelease();
    await world.until(RELEASE_ID, (d) => d.state === 'paused' || d.finishedAt !== null, 600);

    expect(world.endpoint.received.filter((id) => id === stuck)).toHaveLength(2);
    const thread = await world.thread(RELEASE_ID);
    const hookNotes = thread.filter((m) => m.startsWith('⚠️ *The drain hook:*'));
    expect(hookNotes).toHaveLength(2);
    expect(hookNotes[0]).toMatch(says);
    expect(hookNotes[0]).toContain(`*What I did:* The hook of ${stuck} will be sent once more; nothing is terminated.`);
    expect(hookNotes[1]).toContain(`*What I did:* ${stuck} stays; the release asks what to do.`);
    await expectPausedAndAsking([stuck], new RegExp(stuck));
  });
});

describe('fault 9: the bot\'s own database refuses a write', () => {
  /** The store the runner writes to; its commits meet a full disk, as sqlite reports one, while `full` is set. */
  function fillable(file: () => string) {
    const disk = { full: false };
    const wrap = (store: DeployStore): DeployStore =>
      new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'commitStep' && disk.full) {
            return async () => {
              throw storeError(Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL', errno: 13 }), file());
            };
          }
          const value = Reflect.get(target, prop, receiver) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    return { disk, wrap };
  }

  it('stops a release at a full disk after deregistering the old servers: the step is not recorded, no drain hook or AWS call follows, and a restarted bot resumes', async () => {
    const { disk, wrap } = fillable(() => world.file);
    let filled = false;
    await start({
      store: wrap,
      fleet: (fleet) => ({
        ...fleet,
        async deregister(service, ids) {
          await fleet.deregister(service, ids);
          if (!filled && ids.some((id) => world.oldInstanceIds().includes(id))) filled = disk.full = true;
        },
      }),
    });
    await world.startRelease();
    const stopped = await world.until(RELEASE_ID, () => disk.full, 400);
    const callsAtTheFailure = world.emulator.requests.calls('DeregisterTargets').length + world.calls('TerminateInstances').length + world.calls('RunInstances').length;

    for (let t = 0; t < 60; t++) await world.tick(5_000);
    expect((await world.release()).state).toBe(stopped.state);
    expect(stopped.state).toBe('closing');
    expect((await world.sqlite.steps(RELEASE_ID)).map((s) => s.toState)).not.toContain('draining');
    expect(world.emulator.requests.calls('DeregisterTargets').length + world.calls('TerminateInstances').length + world.calls('RunInstances').length).toBe(callsAtTheFailure);
    expect(world.endpoint.received).toEqual([]);

    disk.full = false;
    world.restart();
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 600);
    expect(done.outcome).toBe('released');
    expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === RELEASE_ID)).toHaveLength(2);
    expect(world.oldInstanceIds().map(world.stateOf)).not.toContain('running');
  });

  it('stops at a database locked by another process (SQLITE_BUSY) after a launch, takes no AWS action until it can write, then says what happened and launches nothing twice', async () => {
    let other: Awaited<ReturnType<typeof openRaw>> | null = null;
    await start({
      fleet: (fleet) => ({
        ...fleet,
        async launch(request) {
          const launched = await fleet.launch(request);
          if (!other) {
            other = await openRaw(world.file);
            await other.run('BEGIN EXCLUSIVE');
          }
          return launched;
        },
      }),
    });
    await world.startRelease();
    await world.until(RELEASE_ID, () => other !== null, 50);
    const awsCalls = () => world.emulator.requests.all().length;
    const atTheFailure = awsCalls();

    for (let t = 0; t < 30; t++) await world.tick(5_000);
    expect(awsCalls()).toBe(atTheFailure);

    await other!.run('ROLLBACK');
    await other!.close();
    const registering = await world.until(RELEASE_ID, (d) => d.state !== 'launching', 60, 5_000);
    expect(registering.state).toBe('registering');
    expect(world.liveLaunchedBy(RELEASE_ID)).toHaveLength(2);
    const note = (await world.thread(RELEASE_ID)).find((m) => m.startsWith('⚠️ *The bot’s database:*')) as string;
    expect(note).toMatch(/the bot's database is locked by another process \(SQLITE_BUSY\): .*release-bot\.sqlite/);
    expect(note).toMatch(/\*What I did:\* The launching step could not be recorded, so nothing else was done for 2m( \d+s)?, until the database took writes again\. The launching step runs again now; it is safe to repeat\./);
  });
});

describe('fault 10: an error no retry can fix stops the deploy and asks in its thread', () => {
  const withoutStatement = (sid: string): IamOptions => {
    const policy = readmePolicy();
    const statements = Array.isArray(policy.Statement) ? (policy.Statement as readonly PolicyStatement[]) : [policy.Statement as PolicyStatement];
    return { policy: { ...policy, Statement: statements.filter((s) => s.Sid !== sid) } };
  };
  /** Ticks for an hour of the bot's time: a retry storm would show in the calls. */
  const anHour = async () => {
    for (let t = 0; t < 60; t++) await world.tick(60_000);
  };

  it('a policy without permission to terminate stops the release after the drain, keeps the lock with its holder, and Skip finishes it with the old servers named as left running', async () => {
    await start({ iam: withoutStatement('TerminateOnlyWhatTheBotLaunched') });
    await world.startRelease();
    const held = await world.until(RELEASE_ID, (d) => d.hold !== null, 200, 5_000);
    await anHour();

    expect(held).toMatchObject({ state: 'retiring', hold: { kind: 'permanent', code: 'UnauthorizedOperation', operation: 'TerminateInstances' } });
    expect(world.calls('TerminateInstances')).toHaveLength(1);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
    expect(world.users.boards.get(world.oldInstanceIds()[0])).toBe(0);
    const thread = await joined(RELEASE_ID);
    expect(thread).toContain('⛔ *Stopped at retiring:* AWS — AWS TerminateInstances failed with UnauthorizedOperation (HTTP 403): You are not authorized to perform this operation.');
    expect(thread).toContain('*Why I stopped:* no retry can fix this (`UnauthorizedOperation`). Nothing more is tried until someone answers.');
    expect(thread).toContain('*To fix:* The bot\'s IAM policy does not allow this call: compare it with the README\'s "AWS permissions" policy');
    expect(thread).toContain('*Skip* (with a reason): Leave the drained old servers running, deregistered, and finish the release; terminate them yourself later.');
    const question = (await world.thread(RELEASE_ID)).find((m) => m.startsWith('⛔')) as string;
    expect([...new Set(question.split('\n').filter((line) => ['Retry', 'Skip…', 'Rollback'].includes(line)))]).toEqual(['Retry', 'Skip…', 'Rollback']);
    expect(thread).not.toContain('retrying the retiring step');

    const again = await world.planAgain();
    expect(again).toMatchObject({ ok: false, lock: { holder: 'U0REL' } });
    expect(!again.ok && again.valid).toContain('stopped at retiring, waiting for an answer in its thread');

    await world.answer(RELEASE_ID, 'skip_step', 'IAM change is pending; terminating by hand');
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 50);
    expect(done.outcome).toBe('released');
    expect(world.calls('TerminateInstances')).toHaveLength(1);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
    const story = await joined(RELEASE_ID);
    expect(story).toContain('skipped the failing call of the retiring step: IAM change is pending; terminating by hand');
    expect(story).toContain(`⚠️ Left running, drained and deregistered, as <@U0REL> chose (IAM change is pending; terminating by hand): \`${world.oldInstanceIds()[0]}\``);
    expect(await world.sqlite.getLock('board')).toBeNull();
    const audit = (await world.sqlite.audit({ deployId: RELEASE_ID })).map((a) => [a.actor, a.action]);
    expect(audit).toEqual(expect.arrayContaining([['release-bot', 'stopped'], ['U0REL', 'skip_step'], ['U0REL', 'left_running']]));
  });

  it('Retry after the cause is fixed carries on where it stopped and terminates the drained servers', async () => {
    await start();
    world.emulator.faults.add({ action: 'TerminateInstances', code: 'UnauthorizedOperation', status: 403 });
    await world.startRelease();
    await world.until(RELEASE_ID, (d) => d.hold !== null, 200, 5_000);
    await world.answer(RELEASE_ID, 'retry_step');
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 50);
    expect(done.outcome).toBe('released');
    expect(world.calls('TerminateInstances')).toHaveLength(2);
    await world.tick(5_000);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['terminated', 'terminated']);
    expect(await joined(RELEASE_ID)).toContain('🔁 <@U0REL> asked to retry the retiring step');
  });

  it('old servers that lost the bot\'s tags after the plan stop the release before it launches anything; Rollback ends it with nothing changed', async () => {
    await start();
    for (const id of world.oldInstanceIds()) {
      const tags = world.emulator.state.ec2.instance(id)!.tags;
      for (const key of Object.keys(tags)) if (key.startsWith('release-bot:')) delete tags[key];
    }
    const plan = await world.planAgain();
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problem).toContain('were not launched by the release bot');

    for (const id of world.oldInstanceIds()) Object.assign(world.emulator.state.ec2.instance(id)!.tags, { 'release-bot:managed-by': 'release-bot', 'release-bot:service': 'board' });
    await world.startRelease();
    for (const id of world.oldInstanceIds()) delete world.emulator.state.ec2.instance(id)!.tags['release-bot:managed-by'];
    const held = await world.until(RELEASE_ID, (d) => d.hold !== null, 50);
    await anHour();

    expect(held).toMatchObject({ state: 'launching', hold: { code: 'NotManagedByBot', kind: 'permanent', skip: null, rollback: 'Remove the new servers; the old ones keep serving.' } });
    expect(held.hold?.problem).toContain(`aws ec2 create-tags --region eu-west-1 --resources ${world.oldInstanceIds().join(' ')}`);
    expect(world.calls('RunInstances')).toHaveLength(0);

    await world.answer(RELEASE_ID, 'rollback', 'fleet retagged by another tool');
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 50);
    expect(done.outcome).toBe('rolled_back');
    expect(world.calls('RunInstances')).toHaveLength(0);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
  });

  it('a target group that no longer exists stops the release at registering; Rollback removes the new servers and the old keep serving', async () => {
    await start();
    world.emulator.faults.add({ action: 'RegisterTargets', code: 'TargetGroupNotFound', message: "One or more target groups not found: 'board-ws'", times: Infinity });
    await world.startRelease();
    const held = await world.until(RELEASE_ID, (d) => d.hold !== null, 100, 5_000);
    await anHour();
    expect(held).toMatchObject({ state: 'registering', hold: { code: 'TargetGroupNotFound', kind: 'permanent' } });
    expect(world.calls('RegisterTargets').length).toBeLessThanOrEqual(2);
    expect(await joined(RELEASE_ID)).toContain('*To fix:* A target group in the catalog does not exist: fix `targetGroups`.');

    await world.answer(RELEASE_ID, 'rollback');
    const done = await world.until(RELEASE_ID, (d) => d.finishedAt !== null, 100, 5_000);
    expect(done.outcome).toBe('rolled_back');
    expect(world.liveLaunchedBy(RELEASE_ID)).toEqual([]);
    expect(world.oldInstanceIds().map(world.stateOf)).toEqual(['running', 'running']);
  });

  it('an AMI deregistered between the plan and Start stops the launch; nothing is launched', async () => {
    await start();
    await world.startRelease();
    const image = world.emulator.state.ec2.images().find((i) => i.tags.releaseVersion === '1.5.0')!;
    image.state = 'deregistered';
    const held = await world.until(RELEASE_ID, (d) => d.hold !== null, 50);
    await anHour();
    expect(held).toMatchObject({ state: 'launching', hold: { code: expect.stringMatching(/^InvalidAMIID\./), kind: 'permanent' } });
    expect(world.calls('RunInstances').length).toBeLessThanOrEqual(2);
    expect(world.liveLaunchedBy(RELEASE_ID)).toEqual([]);
  });

  it('a pre-release whose launch is refused stops and asks; Remove canary ends it as rejected', async () => {
    await start();
    world.emulator.faults.add({ action: 'RunInstances', code: 'UnauthorizedOperation', status: 403, times: Infinity });
    await world.startPrerelease();
    const held = await world.until(PRERELEASE_ID, (d) => d.hold !== null, 50);
    await anHour();
    expect(held).toMatchObject({ state: 'launching', hold: { code: 'UnauthorizedOperation', rollback: 'Remove the canary: deregister and terminate whatever was launched.' } });
    expect(world.calls('RunInstances')).toHaveLength(1);
    const question = (await world.thread(PRERELEASE_ID)).find((m) => m.startsWith('⛔')) as string;
    expect([...new Set(question.split('\n').filter((line) => ['Retry', 'Skip…', 'Remove canary'].includes(line)))]).toEqual(['Retry', 'Remove canary']);

    await world.answer(PRERELEASE_ID, 'reject', null);
    const done = await world.until(PRERELEASE_ID, (d) => d.finishedAt !== null, 50);
    expect(done.outcome).toBe('rejected');
    expect(world.liveLaunchedBy(PRERELEASE_ID)).toEqual([]);
  });

  it('a canary whose termination is refused stops the removal; Skip ends the pre-release with the canary named as left running, deregistered', async () => {
    await start({ iam: withoutStatement('TerminateOnlyWhatTheBotLaunched') });
    await world.startPrerelease();
    await world.until(PRERELEASE_ID, (d) => d.state === 'soaking', 100, 5_000);
    await world.answer(PRERELEASE_ID, 'reject', null);
    const held = await world.until(PRERELEASE_ID, (d) => d.hold !== null, 100, 5_000);
    expect(held).toMatchObject({ state: 'rolling_back', hold: { code: 'UnauthorizedOperation', rollback: null, skip: expect.stringContaining('Leave the canary running') } });
    const [canary] = world.liveLaunchedBy(PRERELEASE_ID);
    await world.answer(PRERELEASE_ID, 'skip_step', 'will terminate from the console');
    const done = await world.until(PRERELEASE_ID, (d) => d.finishedAt !== null, 50);
    expect(done.outcome).toBe('rejected');
    expect(world.stateOf(canary)).toBe('running');
    expect(world.emulator.state.elb.describeHealth(world.service.targetGroups[0]).filter((t) => t.instanceId === canary && t.state !== 'unused')).toEqual([]);
    expect(await joined(PRERELEASE_ID)).toContain(`Deregistered but left running, as <@U0REL> chose (will terminate from the console): \`${canary}\``);
  });

  it('a transient failure that does not pass is retried with backoff, then stops and asks after 15 minutes, and nothing more is tried', async () => {
    await start();
    world.emulator.faults.add({ action: 'DescribeTargetHealth', code: 'ServiceUnavailable', status: 503, times: Infinity });
    await world.startRelease();
    const held = await world.until(RELEASE_ID, (d) => d.hold !== null, 400, 5_000);
    expect(held).toMatchObject({ state: 'registering', hold: { kind: 'transient', code: 'ServiceUnavailable' } });
    expect(held.hold!.at - held.hold!.since).toBeGreaterThanOrEqual(15 * 60_000);
    // The call to the other target group of the last attempt may still be on its way, or waiting
    // out the SDK's own retry, which counts real time.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await world.tick(5_000);
    const calls = world.calls('DescribeTargetHealth').length;
    await anHour();
    expect(world.calls('DescribeTargetHealth')).toHaveLength(calls);
    const thread = await joined(RELEASE_ID);
    expect(thread).toMatch(/\*Why I stopped:\* it kept failing for 15m( \d+s)? \(\d+ attempts\)/);
    expect(thread.match(/retrying the registering step/g)).toHaveLength(1);
  });
});
