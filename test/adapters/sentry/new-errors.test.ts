import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSentryNewErrors } from '../../../src/adapters/sentry/new-errors.js';
import { startFakeSentry, type FakeSentry } from '../../../src/sandbox/sentry/fake-sentry.js';
import { serviceWith } from '../../support/catalog.js';
import { dependencyFailure } from '../../support/failure.js';

const TOKEN = 'sntrys_secret_value_1234567890';
const NOW = Date.parse('2025-06-02T10:00:00Z');
const clock = { now: () => NOW };
const service = serviceWith({ sentry: { org: 'acme', project: 'board', environment: 'production' } });

let sentry: FakeSentry;

beforeEach(async () => {
  sentry = await startFakeSentry({ token: TOKEN, org: 'acme', projects: [{ id: '7', slug: 'board' }], pageSize: 2, now: clock.now });
});
afterEach(async () => {
  await sentry.close();
});

const adapter = (options: Partial<Parameters<typeof createSentryNewErrors>[0]> = {}) =>
  createSentryNewErrors({ baseUrl: sentry.url, token: TOKEN, clock, ...options });

const failure = (promise: Promise<unknown>) => dependencyFailure(promise, 'sentry');

function issueRequests() {
  return sentry.requests.filter((r) => r.url.includes('/issues/')).map((r) => new URL(r.url, sentry.url).searchParams);
}

describe('Sentry new errors', () => {
  it('reads every unresolved issue first seen in the release across three pages', async () => {
    for (let i = 1; i <= 5; i += 1) {
      sentry.addIssue({ title: `Error ${i}`, firstRelease: '1.2.0', environment: 'production', firstSeen: NOW - i * 60_000, count: i * 10 });
    }
    sentry.addIssue({ title: 'older release', firstRelease: '1.1.0', environment: 'production' });
    sentry.addIssue({ title: 'resolved', firstRelease: '1.2.0', environment: 'production', status: 'resolved' });
    sentry.addIssue({ title: 'other environment', firstRelease: '1.2.0', environment: 'staging' });

    const issues = await adapter().newIssues(service, '1.2.0');

    expect(issues.map((i) => i.title)).toEqual(['Error 1', 'Error 2', 'Error 3', 'Error 4', 'Error 5']);
    expect(issueRequests().map((p) => p.get('cursor'))).toEqual([null, '0:2:0', '0:4:0']);
    const first = issueRequests()[0];
    expect(first.get('query')).toBe('is:unresolved firstRelease:"1.2.0"');
    expect(first.get('project')).toBe('7');
    expect(first.get('environment')).toBe('production');
  });

  it('maps Sentry fields to the port: count string to number, unknown levels to error', async () => {
    const added = sentry.addIssue({ title: 'TypeError: board is undefined', culprit: 'loadBoard(board.js)', firstRelease: '1.2.0', environment: 'production', level: 'critical', count: 1234, userCount: 56 });

    const [issue] = await adapter().newIssues(service, '1.2.0');

    expect(issue).toEqual({
      id: added.id,
      shortId: 'BOARD-1',
      title: 'TypeError: board is undefined',
      culprit: 'loadBoard(board.js)',
      level: 'error',
      count: 1234,
      userCount: 56,
      firstSeen: new Date(NOW).toISOString(),
      permalink: added.permalink,
    });
  });

  it('quotes the version so that spaces and quotes stay part of it', async () => {
    sentry.addIssue({ title: 'odd version', firstRelease: 'board 1.2.0 "rc"', environment: 'production' });
    sentry.addIssue({ title: 'plain version', firstRelease: 'board', environment: 'production' });

    const issues = await adapter().newIssues(service, 'board 1.2.0 "rc"');

    expect(issues.map((i) => i.title)).toEqual(['odd version']);
  });

  it('looks a project slug up once and uses a numeric project as it is', async () => {
    const errors = adapter();
    await errors.newIssues(service, '1.2.0');
    await errors.newIssues(service, '1.3.0');
    await adapter().newIssues(serviceWith({ sentry: { org: 'acme', project: '7', environment: 'production' } }), '1.2.0');

    expect(sentry.requests.filter((r) => r.url.startsWith('/api/0/projects/')).map((r) => r.url)).toEqual(['/api/0/projects/acme/board/']);
    expect(issueRequests().map((p) => p.get('project'))).toEqual(['7', '7', '7']);
  });

  it('stops after the configured number of pages', async () => {
    for (let i = 1; i <= 7; i += 1) sentry.addIssue({ title: `Error ${i}`, firstRelease: '1.2.0', environment: 'production', firstSeen: NOW - i * 60_000 });

    const issues = await adapter({ maxPages: 2 }).newIssues(service, '1.2.0');

    expect(issues).toHaveLength(4);
  });

  it('reports a rate limit with the time Sentry gave in X-Sentry-Rate-Limit-Reset', async () => {
    const resetAt = NOW / 1000 + 42;
    sentry.rateLimitNext(2, { resetAt, retryAfter: 5 });

    const error = await failure(adapter().newIssues(service, '1.2.0'));

    expect(error.system).toBe('sentry');
    expect(error.code).toBe('RateLimited');
    expect(error.retryAt).toBe(resetAt * 1000);
    expect(error.message).toContain('rate limit');
  });

  it('falls back to Retry-After when Sentry sends no reset time', async () => {
    const fetchWithoutReset: typeof fetch = async () => new Response('{}', { status: 429, headers: { 'retry-after': '30' } });

    const error = await failure(adapter({ fetch: fetchWithoutReset }).newIssues(serviceWith({ sentry: { org: 'acme', project: '7', environment: 'production' } }), '1.2.0'));

    expect(error.retryAt).toBe(NOW + 30_000);
  });

  it('reports server errors as temporary', async () => {
    sentry.failNext(1, 502);

    const error = await failure(adapter().newIssues(serviceWith({ sentry: { org: 'acme', project: '7', environment: 'production' } }), '1.2.0'));

    expect(error.code).toBe('ServerError');
    expect(error.message).toMatch(/502.*temporary/);
  });

  it('explains a rejected token without repeating it', async () => {
    const error = await failure(adapter({ token: `${TOKEN}-revoked` }).newIssues(service, '1.2.0'));

    expect(error.code).toBe('Unauthorized');
    expect(error.message).toContain('SENTRY_AUTH_TOKEN');
    expect(error.message).toContain('event:read');
    expect(error.message).not.toContain(TOKEN);
  });

  it('names the organization and project it could not find', async () => {
    const wrongOrg = await failure(adapter().newIssues(serviceWith({ sentry: { org: 'globex', project: '7', environment: 'production' } }), '1.2.0'));
    const wrongSlug = await failure(adapter().newIssues(serviceWith({ sentry: { org: 'acme', project: 'bord', environment: 'production' } }), '1.2.0'));

    expect(wrongOrg.code).toBe('NotFound');
    expect(wrongOrg.message).toContain('org globex');
    expect(wrongSlug.code).toBe('NotFound');
    expect(wrongSlug.message).toContain('project bord');
  });

  it('points at the token scope when Sentry refuses access to the project', async () => {
    const error = await failure(adapter().newIssues(serviceWith({ sentry: { org: 'acme', project: '99', environment: 'production' } }), '1.2.0'));

    expect(error.code).toBe('Forbidden');
    expect(error.message).toContain('event:read');
  });

  it('gives up on a Sentry that does not answer in time', async () => {
    sentry.hangNext(1);

    const error = await failure(adapter({ timeoutMs: 200 }).newIssues(service, '1.2.0'));

    expect(error.code).toBe('Timeout');
  });

  it('reports a Sentry it cannot reach', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const error = await failure(adapter({ baseUrl: `http://127.0.0.1:${port}` }).newIssues(service, '1.2.0'));

    expect(error.code).toBe('Unreachable');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
  });

  it('refuses an answer that is not a list of issues', async () => {
    const fetchOddBody: typeof fetch = async () => Response.json({ detail: 'maintenance' });

    const error = await failure(adapter({ fetch: fetchOddBody }).newIssues(serviceWith({ sentry: { org: 'acme', project: '7', environment: 'production' } }), '1.2.0'));

    expect(error.code).toBe('BadResponse');
  });

  it('says so when the service has no Sentry settings', async () => {
    const error = await failure(adapter().newIssues(serviceWith({ sentry: undefined }), '1.2.0'));

    expect(error.code).toBe('NotConfigured');
    expect(error.message).toContain(service.name);
  });
});
