import { WebClient } from '@slack/web-api';
import type { ServiceConfig } from '../../src/config/catalog.js';
import type { Image, Tickets } from '../../src/deploy/ports.js';
import { initialPrereleaseFacts, type PrereleaseFacts } from '../../src/deploy/prerelease/facts.js';
import type { Outcome } from '../../src/deploy/records.js';
import { initialReleaseFacts, type ReleaseFacts } from '../../src/deploy/release/facts.js';
import type { StoredDeploy } from '../../src/deploy/store-port.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Preflight } from '../../src/preflight/preflight.js';
import type { StepHold } from '../../src/deploy/records.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { blockActionsBody, signSlackRequest, slashCommandBody, viewSubmissionBody } from '../../src/sandbox/slack/signing.js';
import { startFakeSlack } from '../../src/sandbox/slack/server.js';
import { startSlackApp } from '../../src/slack/app.js';
import { createSlackDirectory } from '../../src/slack/directory.js';
import { REASON_ACTION, REASON_BLOCK } from '../../src/slack/blocks/reason-modal.js';
import { openStore } from '../../src/store/open-store.js';
import { exampleService } from './catalog.js';
import { createFakeFleet } from './fake-fleet.js';
import { manualClock } from './manual-clock.js';
import { waitFor } from './world.js';

/** Four distinct roles: the harness catalog gives releasing its own group. */
export const ROLES = { deployer: 'U0DEPLOYER', approver: 'U0APPROVER', releaser: 'U0RELEASER', outsider: 'U0OUTSIDER' } as const;
export type Role = keyof typeof ROLES;
export const CHANNEL = 'C0DEPLOYS1';
const TOKEN = 'xoxb-harness-token';
const SECRET = 'harness-signing-secret';
/** A Monday noon in Berlin: inside the shipped catalog's deploy window. */
const MONDAY_NOON = Date.UTC(2026, 10, 23, 11);
const HOUR = 3600_000;

const IMAGES: Image[] = [
  { imageId: 'ami-100', name: 'board-1.0.0', version: '1.0.0', state: 'available', createdAt: '2026-11-20T00:00:00Z', commit: 'a' },
  { imageId: 'ami-110', name: 'board-1.1.0', version: '1.1.0', state: 'available', createdAt: '2026-11-21T00:00:00Z', commit: 'b' },
];

/**
 * The real Bolt app in HTTP mode with real signed requests, a real sqlite store and fake Slack,
 * but no runner: a deploy stays in whatever state a test puts it in, so every button can be
 * pressed in the state it is meant for, and anything a press changes is still there to see.
 */
export async function startSlackHarness() {
  const service: ServiceConfig = exampleService((yaml) => yaml.replace('release: [S0APPROVERS]', 'release: [S0RELEASERS]'));
  const slack = await startFakeSlack({
    token: TOKEN,
    channels: [
      { id: CHANNEL, name: 'deploys' },
      { id: 'C0RELEASE1', name: 'releases' },
    ],
    users: Object.entries(ROLES).map(([name, id]) => ({ id, name })),
    usergroups: { S0DEPLOYERS: [ROLES.deployer], S0APPROVERS: [ROLES.approver], S0RELEASERS: [ROLES.releaser] },
  });
  const store = await openStore({ file: ':memory:' });
  const fake = createFakeFleet(IMAGES);
  for (let n = 0; n < 2; n++) fake.seedServing('1.0.0', 'fleet');
  const clock = manualClock(MONDAY_NOON);
  const ticketCalls: string[][] = [];
  const tickets: Tickets = {
    async close(_service, keys) {
      ticketCalls.push(keys);
      return keys.map((key) => ({ key, transitioned: true, commented: true, problem: null }));
    },
    async releaseVersion(s, version) {
      return `${s.name}-${version}`;
    },
  };
  let changes = 0;
  let ids = 0;
  /** Services the pre-flight check ran for: a refused `/release check` must not run it. */
  const preflightRuns: string[] = [];
  const preflight: Preflight = {
    async run(checked, depth) {
      preflightRuns.push(checked.name);
      return { service: checked.name, at: clock.now(), depth, lines: [{ area: 'Fleet', status: 'ok', detail: '2 servers, all under the bot\'s care', fix: null }] };
    },
  };
  const app = await startSlackApp({
    deps: {
      services: { board: service },
      store,
      fleet: fake.fleet,
      directory: createSlackDirectory(new WebClient(TOKEN, { slackApiUrl: slack.apiUrl })),
      clock,
      changelog: { between: async () => ({ entries: [], omitted: 0 }) },
      tickets,
      configured: { sentry: true, jira: true, prometheus: true },
      newDeployId: (kind) => `${kind === 'prerelease' ? 'pr' : 'rl'}-made${++ids}`,
      onChange: () => {
        changes += 1;
      },
      preflight,
      logger: createLogger({ level: 'silent', secrets: [TOKEN, SECRET] }),
      metrics: createMetrics(),
    },
    botToken: TOKEN,
    mode: { kind: 'http', signingSecret: SECRET },
    port: 0,
    host: '127.0.0.1',
    slackApiUrl: slack.url,
    health: async () => ({ ok: true }),
  });
  const url = `http://127.0.0.1:${app.port}/slack/events`;
  const post = (body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { ...signSlackRequest(SECRET, body), ...headers }, body });
  let seq = 0;

  async function seed(kind: 'prerelease' | 'release', state: string, facts: Record<string, unknown>, finished?: Outcome): Promise<StoredDeploy> {
    const id = `${kind === 'prerelease' ? 'pr' : 'rl'}-seed${++seq}`;
    const at = clock.now();
    const deploy = await store.createDeploy(
      { id, service: 'board', kind, version: '1.1.0', state, actor: kind === 'prerelease' ? ROLES.deployer : ROLES.releaser, reason: null, facts, wakeAt: null, at },
      { actor: ROLES.deployer, action: `${kind}_seeded` },
    );
    if (!finished) return deploy;
    return store.commitStep({
      deployId: id,
      expectedRevision: deploy.revision,
      fromState: state,
      toState: 'done',
      facts,
      wakeAt: null,
      outcome: finished,
      finishedAt: at,
      startedAt: at,
      at,
      summary: null,
      audit: [],
      consumedActionIds: [],
      notes: [],
    });
  }

  const harness = {
    service,
    slack,
    store,
    fake,
    clock,
    ticketCalls,
    changes: () => changes,

    /** A pre-release whose canary has soaked for five hours (past the minimum), requested by the deployer. */
    async prerelease(state = 'soaking', patch: Partial<PrereleaseFacts> = {}, finished?: Outcome) {
      const facts: PrereleaseFacts = {
        ...initialPrereleaseFacts({ imageId: 'ami-110', name: 'board-1.1.0', commit: 'b' }, 1, { version: '1.0.0', commit: 'a' }),
        instanceIds: ['i-canary1'],
        soakStartedAt: clock.now() - 5 * HOUR,
        sentry: { ok: true, checkedAt: clock.now(), problem: null, since: null },
        ...patch,
      };
      return seed('prerelease', state, facts as unknown as Record<string, unknown>, finished);
    },

    /** A release of 1.1.0 over the seeded fleet, in the given state. */
    async release(state = 'planned', patch: Partial<ReleaseFacts> = {}, finished?: Outcome) {
      const old = [...fake.instances.values()].map((i) => ({ instanceId: i.instanceId, privateIp: i.privateIp ?? null, version: '1.0.0', canary: false }));
      const facts: ReleaseFacts = {
        ...initialReleaseFacts({
          fleetSize: old.length,
          oldInstances: old,
          adopt: [],
          imageId: 'ami-110',
          imageName: 'board-1.1.0',
          commit: 'b',
          fromVersion: '1.0.0',
          fromCommit: 'a',
          prerelease: null,
          overrideReason: 'seeded for a test',
          windowOverride: null,
          changelog: { commits: 1, issueKeys: ['BOARD-1'], omitted: 0 },
        }),
        ...patch,
      };
      return seed('release', state, facts as unknown as Record<string, unknown>, finished);
    },

    /** The deploy stopped on a failed step, as the runner leaves it, waiting for Retry, Skip or Rollback. */
    async stop(deploy: StoredDeploy, hold: Partial<StepHold> = {}) {
      const at = clock.now();
      return store.commitStep({
        deployId: deploy.id,
        expectedRevision: deploy.revision,
        fromState: deploy.state,
        toState: deploy.state,
        facts: deploy.facts,
        wakeAt: null,
        outcome: null,
        finishedAt: null,
        startedAt: at,
        at,
        summary: 'stopped',
        audit: [],
        consumedActionIds: [],
        notes: [],
        hold: {
          state: deploy.state,
          kind: 'permanent',
          system: 'aws',
          code: 'UnauthorizedOperation',
          operation: 'TerminateInstances',
          problem: 'AWS TerminateInstances failed with UnauthorizedOperation (HTTP 403)',
          fix: null,
          since: at,
          at,
          attempts: 1,
          skip: 'Leave the servers running.',
          rollback: null,
          skipped: null,
          ...hold,
        },
      });
    },

    command(user: string, text: string, command: string) {
      const response_url = slack.createResponseUrl({ user, channel: CHANNEL });
      return post(slashCommandBody({ command, text, user_id: user, user_name: user, channel_id: CHANNEL, team_id: 'T0SANDBOX1', response_url, trigger_id: `${Date.now()}.t` }));
    },

    /** A block_actions payload as Slack sends it; `retryNum` marks it as Slack's redelivery. */
    click(user: string, actionId: string, value: string, options: { retryNum?: number; responseUrl?: string } = {}) {
      const response_url = options.responseUrl ?? slack.createResponseUrl({ user, channel: CHANNEL });
      const body = blockActionsBody({
        user: { id: user },
        channel: { id: CHANNEL },
        message: { ts: '1732358400.000100', blocks: [] },
        actions: [{ action_id: actionId, block_id: 'actions', value, type: 'button', action_ts: `${Date.now() / 1000}` }],
        response_url,
        trigger_id: `${Date.now()}.trigger-${user}`,
      });
      const retry: Record<string, string> = options.retryNum === undefined ? {} : { 'X-Slack-Retry-Num': String(options.retryNum), 'X-Slack-Retry-Reason': 'http_timeout' };
      return post(body, retry);
    },

    /** Submits a reason dialog; returns Bolt's answer (`response_action: errors` when refused). */
    async submitReason(user: string, callbackId: string, deployId: string, reason: string | null): Promise<{ status: number; body: string }> {
      const res = await post(viewSubmissionBody({ user: { id: user }, view: { id: `V${++seq}`, callback_id: callbackId, private_metadata: deployId, state: { values: { [REASON_BLOCK]: { [REASON_ACTION]: { type: 'plain_text_input', value: reason } } } } } }));
      return { status: res.status, body: await res.text() };
    },

    ephemerals(user: string): string[] {
      return slack.workspace.ephemerals(user).map((e) => `${e.text}\n${JSON.stringify(e.blocks ?? [])}`);
    },

    /**
     * Runs `act` and waits for what it brings `user`: an ephemeral answer, or a dialog (given as
     * `dialog <callback_id>: <its text>`).
     */
    async answerTo(user: string, act: () => Promise<unknown>): Promise<string> {
      const ephemerals = slack.workspace.ephemerals(user).length;
      const views = slack.workspace.views().length;
      await act();
      await waitFor(() => slack.workspace.ephemerals(user).length > ephemerals || slack.workspace.views().length > views, 5_000, `an answer to ${user}`);
      const view = slack.workspace.views()[views];
      if (view) return `dialog ${String(view.view.callback_id)}: ${JSON.stringify(view.view.blocks)}`;
      return harness.ephemerals(user).slice(ephemerals).join('\n');
    },

    /** Everything a press or a command could change, to compare before and after. */
    async snapshot() {
      const deploys = await store.listDeploys({ limit: 1000 });
      const pending = await Promise.all(deploys.map((d) => store.pendingActions(d.id)));
      return {
        deploys: deploys.map((d) => `${d.id}@${d.revision}:${d.state}`).sort(),
        actions: pending.flat().length,
        audit: (await store.audit({ limit: 10_000 })).length,
        fleetCalls: fake.calls.length,
        preflightRuns: preflightRuns.length,
        tickets: ticketCalls.length,
        messages: slack.workspace.messages(CHANNEL).length + slack.workspace.messages('C0RELEASE1').length,
        views: slack.workspace.views().length,
        lock: (await store.getLock('board'))?.deployId ?? null,
      };
    },

    async close() {
      await app.stop();
      await slack.close();
      await store.close();
    },
  };
  return harness;
}

export type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;
