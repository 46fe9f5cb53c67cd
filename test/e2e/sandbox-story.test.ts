import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSandboxConsole } from '../../src/sandbox/run/sandbox-console.js';
import { SANDBOX_USERS, startSandbox, type Sandbox } from '../../src/sandbox/run/start-sandbox.js';
import { locatePrometheusBinary } from '../support/prometheus-binary.js';
import { waitFor } from '../support/world.js';

/**
 * The newcomer's story, end to end, in Debian's chromium through the local console, on the real
 * sandbox: board-server processes behind the load balancer, simulated users, Prometheus (the
 * real binary under CI), fake Sentry, Jira and Slack, and the real bot.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const installed = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!installed && !inCi) console.warn('chromium not installed: apt-get install -y chromium to run the end-to-end browser tests');
const prometheus = locatePrometheusBinary();
const [DANA, ALEX] = SANDBOX_USERS.map((u) => u.id);

describe.skipIf(!installed && !inCi)('the sandbox story in a real browser', () => {
  let dir: string;
  let sandbox: Sandbox;
  let consoleApp: Awaited<ReturnType<typeof startSandboxConsole>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!installed) throw new Error(`CI=true but ${CHROMIUM} is missing: apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'release-bot-e2e-'));
    const logger = createLogger({ level: 'info', secrets: [], destination: pino.destination({ dest: join(dir, 'sandbox.log'), sync: true }), name: 'sandbox' });
    sandbox = await startSandbox({ dataDir: dir, fleetSize: 3, ipBlock: 121, bootDelayMs: 2_000, deregistrationDelaySeconds: 20, standInPrometheus: prometheus.skip, logger });
    consoleApp = await startSandboxConsole(sandbox, { port: 0, sessionsPerServer: 10, notice: sandbox.prometheus.notice });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${consoleApp.url}/?as=${DANA}`);
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    await waitFor(() => consoleApp.users.stats().joined === consoleApp.users.stats().sessions, 60_000, 'every simulated user in a board');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.stop();
    await sandbox?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const screenshot = (name: string) => page.screenshot({ path: new URL(`sandbox-${name}.png`, ARTIFACTS).pathname });
  const parent = (title: string) => page.locator('#messages article.msg-message', { has: page.locator('.bk-header', { hasText: title }) }).last();
  const type = async (text: string) => {
    await page.locator('#composer-input').fill(text);
    await page.locator('#composer-input').press('Enter');
  };
  const statusOf = (title: string) => parent(title).locator('.bk-section').first().textContent();

  it('pre-releases 1.1.0, approves it early with a reason, and releases it with no lost session or edit', async () => {
    await type('/prerelease board 1.1.0');
    await parent('Pre-release board 1.1.0').locator('.bk-button', { hasText: 'Approve' }).waitFor({ timeout: 60_000 });
    await screenshot('1-canary-soaking');

    await page.locator('#identity').selectOption(ALEX);
    await parent('Pre-release board 1.1.0').locator('.bk-button', { hasText: 'Approve' }).click();
    await page.locator('#confirm-dialog .bk-primary', { hasText: 'Approve' }).click();
    const modal = page.locator('#modal-dialog');
    await modal.locator('textarea').fill('Canary clean in the sandbox; approving before the minimum soak');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'hidden' });
    await waitFor(async () => /approved/i.test((await statusOf('Pre-release board 1.1.0')) ?? ''), 20_000, 'the approval');

    await type('/release board');
    await parent('Release board 1.1.0').locator('.bk-button', { hasText: 'Start' }).click({ timeout: 30_000 });
    await page.locator('#confirm-dialog .bk-primary', { hasText: 'Start' }).click();
    // The drain of three servers lasts seconds and the parent is edited at most every 2 s: wait for
    // it or any phase after it, so a busy machine cannot make the test miss a passing moment.
    await waitFor(async () => /draining|retiring|announcing|released/i.test((await statusOf('Release board 1.1.0')) ?? ''), 120_000, 'the drain');
    await screenshot('2-release-draining');
    await waitFor(async () => /released/i.test((await statusOf('Release board 1.1.0')) ?? ''), 240_000, 'the release to finish');
    await screenshot('3-released');

    const fleet = sandbox.emulator.state.ec2.instances().filter((i) => i.state === 'running' && i.tags[TAG.role] === 'fleet');
    expect(fleet.map((i) => i.tags[TAG.version])).toEqual(['1.1.0', '1.1.0', '1.1.0']);
    const verified = await consoleApp.users.verify();
    const stats = consoleApp.users.stats();
    expect(stats.lostSessions).toBe(0);
    expect(verified.lostEdits ?? stats.lostEdits).toBe(0);
    expect(stats.reconnects).toBeGreaterThan(0);
    expect(Object.keys(stats.sessionsByServer).every((server) => fleet.some((i) => i.instanceId === server))).toBe(true);
  }, 420_000);

  it('rolls the pre-release of 1.2.0 back by itself when its new errors reach Sentry', async () => {
    await page.locator('#identity').selectOption(DANA);
    await type('/prerelease board 1.2.0');
    await waitFor(async () => /rolled back/i.test((await statusOf('Pre-release board 1.2.0')) ?? ''), 180_000, 'the automatic rollback');
    await screenshot('4-auto-rollback');
    const canaries = sandbox.emulator.state.ec2.instances().filter((i) => i.tags[TAG.version] === '1.2.0');
    await waitFor(() => canaries.every((c) => sandbox.emulator.state.ec2.instances().find((i) => i.instanceId === c.instanceId)?.state !== 'running'), 30_000, 'the canary to be removed');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
