import { existsSync, mkdirSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRERELEASE_ACTIONS } from '../../../src/slack/blocks/prerelease-actions.js';
import { ALEX, DANA, DEPLOYS, OLLI, RELEASES, startConsoleWorld, TOKEN, type ConsoleWorld } from './console-world.js';

/**
 * The console as a newcomer uses it, in Debian's chromium driven by playwright-core. Outside CI a
 * machine without chromium skips these loudly; under CI=true a missing chromium fails them.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url);
const installed = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!installed && !inCi) console.warn('chromium not installed: apt-get install -y chromium to run the browser tests');

/** What the page functions below use of the browser; the tests compile without the DOM library. */
type BrowserGlobals = { getComputedStyle(element: unknown): { backgroundColor: string } };

let world: ConsoleWorld;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const t0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const boards = {
  series: [
    { name: 'old servers', points: [0, 1, 2, 3, 4, 5].map((i) => [t0 + i * 10_000, 400 - i * 80]) },
    { name: 'new servers', points: [0, 1, 2, 3, 4, 5].map((i) => [t0 + i * 10_000, i * 80]) },
  ],
};

describe.skipIf(!installed && !inCi)('local Slack console in a real browser', () => {
  beforeAll(async () => {
    if (!installed) throw new Error(`CI=true but ${CHROMIUM} is missing: apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    world = await startConsoleWorld({
      extras: {
        banner: 'Prometheus: stand-in (install the prometheus package for the real one)',
        panels: [{ id: 'users', title: 'Simulated users', fetchUrl: '/extras/users', intervalMs: 500 }],
        charts: [{ id: 'boards', title: 'Boards: old vs new servers', fetchUrl: '/extras/boards', intervalMs: 500 }],
        routes: {
          '/extras/users': () => ({ sessions: 400, 'lost sessions': 0, 'lost edits': 0, 'reconnect gap p99': '0.8 s' }),
          '/extras/boards': () => boards,
        },
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${world.console.url}/?as=${DANA}`);
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    await page.evaluate(() => Object.assign(globalThis, { loadedOnce: true }));
  });

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  const screenshot = (name: string) => page.screenshot({ path: new URL(`console-${name}.png`, ARTIFACTS).pathname });
  const parent = () => page.locator('#messages article.msg-message', { has: page.locator('.bk-header', { hasText: 'Pre-release board 1.1.0' }) });

  it('runs a typed command as the chosen identity and renders the bot’s Block Kit message', async () => {
    expect(await page.locator('#identity').inputValue()).toBe(DANA);
    expect(await page.locator('#channel-name').textContent()).toBe('#deploys');
    expect(await page.locator('#banner').textContent()).toContain('Prometheus: stand-in');

    await page.locator('#composer-input').fill('/prerelease board 1.1.0');
    await page.locator('#composer-input').press('Enter');
    await parent().waitFor();

    const message = parent();
    expect(await message.locator('.author').textContent()).toBe('release-bot');
    expect(await message.locator('.bk-fields .bk-field').count()).toBe(7);
    expect(await message.locator('.bk-field', { hasText: 'Requested by' }).locator('.mention').textContent()).toBe('@Dana');
    expect(await message.locator('.bk-field', { hasText: 'AMI' }).locator('code').textContent()).toBe('ami-0abc1234');
    expect(await message.locator('.bk-context').textContent()).toContain('pr-00000001');
    const style = (name: string) => message.locator('.bk-button', { hasText: name }).evaluate((b) => (globalThis as unknown as BrowserGlobals).getComputedStyle(b).backgroundColor);
    expect(await style('Approve')).toBe('rgb(0, 122, 90)');
    expect(await style('Reject')).toBe('rgb(224, 30, 90)');
    expect(await style('Extend soak')).toBe('rgb(255, 255, 255)');
    expect(await message.locator('.replies-link').textContent()).toBe('3 replies');

    const answer = page.locator('#messages article.msg-ephemeral', { hasText: 'Pre-release pr-00000001 of board 1.1.0 started' });
    await answer.waitFor();
    expect(await answer.locator('.only-you').textContent()).toContain('Only visible to you');
    expect(await answer.locator('.channel-mention').textContent()).toBe('#deploys');
    await screenshot('1-prerelease-posted');
  });

  it('asks before a button with a confirm dialog acts, and Cancel sends nothing', async () => {
    await parent().locator('.bk-button', { hasText: 'Reject' }).click();
    const dialog = page.locator('#confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('Reject board 1.1.0?');
    expect(await dialog.locator('.dialog-body').textContent()).toContain('terminates it');
    expect(await dialog.locator('.bk-danger').textContent()).toBe('Reject');
    await screenshot('2-confirm-dialog');
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await parent().locator('.bk-button', { hasText: 'Extend soak' }).click();
    await page.locator('#messages article.msg-ephemeral', { hasText: 'Soak extended' }).waitFor();
    expect(world.received.clicks.map((c) => c.actions[0].action_id)).toEqual([PRERELEASE_ACTIONS.extend]);
  });

  it('shows each identity only its own private answers', async () => {
    await page.locator('#identity').selectOption(OLLI);
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    await page.locator('#messages article.msg-ephemeral').first().waitFor({ state: 'detached' });

    await parent().locator('.bk-button', { hasText: 'Extend soak' }).click();
    const refusal = page.locator('#messages article.msg-ephemeral', { hasText: 'may not decide on pre-releases' });
    await refusal.waitFor();
    expect(await refusal.locator('.mention').allTextContents()).toEqual(['@Olli', '@S0APPROVERS']);
  });

  it('confirms, opens the bot’s modal, checks and submits it, and shows the edited message in place', async () => {
    await page.locator('#identity').selectOption(ALEX);
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    await parent().locator('.bk-button', { hasText: 'Approve' }).click();
    const confirm = page.locator('#confirm-dialog');
    expect(await confirm.locator('h2').textContent()).toBe('Approve board 1.1.0?');
    await confirm.locator('.bk-primary', { hasText: 'Approve' }).click();

    const modal = page.locator('#modal-dialog');
    await modal.locator('h2', { hasText: 'Approve with a reason' }).waitFor();
    expect(world.received.clicks.at(-1)).toMatchObject({ user: { id: ALEX }, actions: [{ action_id: PRERELEASE_ACTIONS.approve }] });
    const reason = modal.locator('textarea');
    await reason.fill('ok');
    await modal.locator('button[type=submit]').click();
    expect(await modal.locator('.bk-input-error').textContent()).toBe('Please enter at least 3 characters.');
    expect(world.received.submissions).toEqual([]);

    await reason.fill('fine');
    await modal.locator('button[type=submit]').click();
    await modal.locator('.bk-input-error', { hasText: 'Say a little more' }).waitFor();
    await screenshot('3-modal-with-errors');

    const before = await parent().elementHandle();
    await reason.fill('Soaked overnight, no new issues');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'hidden' });
    await parent().locator('.bk-text', { hasText: 'approved' }).first().waitFor();

    expect(await parent().locator('.msg-body').textContent()).toContain('Approved by @Alex');
    expect(await parent().locator('.edited').textContent()).toBe('(edited)');
    expect(await parent().locator('.bk-actions').count()).toBe(0);
    expect(await before?.evaluate((node) => node.isConnected)).toBe(false);
    expect(await page.evaluate(() => 'loadedOnce' in globalThis)).toBe(true);
    expect(await page.locator('#messages article.msg-message', { has: page.locator('.bk-header') }).count()).toBe(1);
  });

  it('marks other channels with unread messages, and opens the thread a message link points to', async () => {
    const bot = new WebClient(TOKEN, { slackApiUrl: world.slack.apiUrl, retryConfig: { retries: 0 } });
    const ts = await parent().getAttribute('data-ts');
    const { permalink } = await bot.chat.getPermalink({ channel: DEPLOYS, message_ts: ts as string });
    await bot.chat.postMessage({ channel: RELEASES, text: `:tada: board 1.1.0 is out. <${permalink}|Open its thread>` });

    const releases = page.locator('.channel-link', { hasText: 'releases' });
    await releases.locator('.badge', { hasText: '1' }).waitFor();
    await releases.click();
    expect(await page.locator('#channel-name').textContent()).toBe('#releases');
    expect(await releases.locator('.badge').count()).toBe(0);
    await page.locator('#messages a', { hasText: 'Open its thread' }).click();

    expect(await page.locator('#channel-name').textContent()).toBe('#deploys');
    await page.locator('#thread article.msg-message').first().waitFor();
    expect(await page.locator('#thread article.msg-message').first().getAttribute('data-ts')).toBe(ts);
  });

  it('opens the thread with the story and the sandbox’s panels beside it', async () => {
    await parent().locator('.replies-link').click();
    const thread = page.locator('#thread');
    await thread.locator('article', { hasText: 'Approved' }).last().waitFor();
    expect(await thread.locator('article.msg-message').count()).toBe(5);
    expect(await thread.locator('article').nth(1).textContent()).toContain('requested a pre-release of board 1.1.0');
    await page.locator('#extras .line-chart polyline').first().waitFor();
    expect(await page.locator('#extra-users dd').allTextContents()).toEqual(['400', '0', '0', '0.8 s']);
    expect(await page.locator('#extra-boards polyline').count()).toBe(2);

    await screenshot('4-approved-with-thread');
    expect(pageErrors).toEqual([]);
  });
});
