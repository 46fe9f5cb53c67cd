import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSentry, type FakeSentry } from '../../../src/sandbox/sentry/fake-sentry.js';

const TOKEN = 'sntrys_fake_token';
const NOW = Date.parse('2025-06-02T10:00:00Z');

let sentry: FakeSentry;

beforeEach(async () => {
  sentry = await startFakeSentry({ token: TOKEN, org: 'acme', projects: [{ id: '7', slug: 'board-server' }], pageSize: 2, now: () => NOW });
});
afterEach(async () => {
  await sentry.close();
});

function issuesUrl(params: Record<string, string>): string {
  return `${sentry.url}/api/0/organizations/acme/issues/?${new URLSearchParams(params)}`;
}

async function getIssues(params: Record<string, string>, token = TOKEN) {
  const response = await fetch(issuesUrl(params), { headers: { authorization: `Bearer ${token}` } });
  return { response, body: (await response.json()) as Record<string, unknown>[] & { detail?: string } };
}

function envelope(...events: Record<string, unknown>[]): string {
  const lines = [JSON.stringify({ event_id: 'e1', sent_at: new Date(NOW).toISOString() })];
  for (const event of events) {
    const payload = JSON.stringify(event);
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
  }
  return `${lines.join('\n')}\n`;
}

describe('fake Sentry issues API', () => {
  it('lists unresolved issues first seen in a release, in the asked environment, with Sentry field types', async () => {
    sentry.addIssue({ title: 'TypeError: board is undefined', firstRelease: '1.2.0', environment: 'production', level: 'fatal', count: 12, userCount: 3 });
    sentry.addIssue({ title: 'old bug', firstRelease: '1.1.0', environment: 'production' });
    sentry.addIssue({ title: 'fixed already', firstRelease: '1.2.0', environment: 'production', status: 'resolved' });
    sentry.addIssue({ title: 'staging only', firstRelease: '1.2.0', environment: 'staging' });

    const { response, body } = await getIssues({ project: '7', environment: 'production', query: 'is:unresolved firstRelease:"1.2.0"', statsPeriod: '24h' });

    expect(response.status).toBe(200);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      title: 'TypeError: board is undefined',
      level: 'fatal',
      status: 'unresolved',
      count: '12',
      userCount: 3,
      isUnhandled: false,
      project: { id: '7', slug: 'board-server' },
      firstSeen: new Date(NOW).toISOString(),
      shortId: 'BOARD-SERVER-1',
    });
    expect(body[0].permalink).toBe(`${sentry.url}/organizations/acme/issues/${String(body[0].id)}/`);
  });

  it('accepts an unquoted firstRelease and adds is:unresolved only when no query is given', async () => {
    sentry.addIssue({ title: 'open', firstRelease: '1.2.0' });
    sentry.addIssue({ title: 'closed', firstRelease: '1.2.0', status: 'resolved' });

    const unquoted = await getIssues({ query: 'firstRelease:1.2.0' });
    const noQuery = await getIssues({});

    expect(unquoted.body.map((i) => i.title).sort()).toEqual(['closed', 'open']);
    expect(noQuery.body.map((i) => i.title)).toEqual(['open']);
  });

  it('leaves out issues not seen within statsPeriod', async () => {
    sentry.addIssue({ title: 'recent', firstRelease: '1.2.0', firstSeen: NOW - 3_600_000 });
    sentry.addIssue({ title: 'two days old', firstRelease: '1.2.0', firstSeen: NOW - 48 * 3_600_000 });

    const { body } = await getIssues({ query: 'firstRelease:"1.2.0"', statsPeriod: '24h' });

    expect(body.map((i) => i.title)).toEqual(['recent']);
  });

  it('rejects queries it does not understand instead of matching everything', async () => {
    const { response, body } = await getIssues({ query: 'release:1.2.0 assigned:me' });

    expect(response.status).toBe(400);
    expect(body.detail).toMatch(/unsupported search term/);
  });

  it('answers 401 to a missing or wrong token', async () => {
    const missing = await fetch(issuesUrl({}));
    const wrong = await getIssues({}, 'not-the-token');

    expect(missing.status).toBe(401);
    expect(wrong.response.status).toBe(401);
    expect(wrong.body.detail).toBe('Invalid token');
  });

  it('answers 404 for another organization and 403 for a project it does not have', async () => {
    const otherOrg = await fetch(`${sentry.url}/api/0/organizations/globex/issues/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const otherProject = await getIssues({ project: '99' });

    expect(otherOrg.status).toBe(404);
    expect(otherProject.response.status).toBe(403);
  });

  it('resolves a project by slug or id', async () => {
    const bySlug = await fetch(`${sentry.url}/api/0/projects/acme/board-server/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const missing = await fetch(`${sentry.url}/api/0/projects/acme/nope/`, { headers: { authorization: `Bearer ${TOKEN}` } });

    expect(await bySlug.json()).toMatchObject({ id: '7', slug: 'board-server' });
    expect(missing.status).toBe(404);
  });

  it('pages with a Link header carrying previous and next cursors and whether they have results', async () => {
    for (let i = 1; i <= 5; i += 1) sentry.addIssue({ title: `issue ${i}`, firstRelease: '1.2.0', firstSeen: NOW - i * 60_000 });
    const params = { project: '7', query: 'firstRelease:"1.2.0"' };

    const first = await getIssues(params);
    const link = first.response.headers.get('link') ?? '';
    const next = /<([^>]+)>; rel="next"; results="true"; cursor="([^"]+)"/.exec(link);
    const second = await getIssues({ ...params, cursor: next?.[2] ?? '' });
    const last = await getIssues({ ...params, cursor: '0:4:0' });

    expect(link).toBe(
      `<${issuesUrl({ ...params, cursor: '0:0:1' })}>; rel="previous"; results="false"; cursor="0:0:1", ` +
        `<${issuesUrl({ ...params, cursor: '0:2:0' })}>; rel="next"; results="true"; cursor="0:2:0"`,
    );
    expect(first.body.map((i) => i.title)).toEqual(['issue 1', 'issue 2']);
    expect(second.body.map((i) => i.title)).toEqual(['issue 3', 'issue 4']);
    expect(last.body.map((i) => i.title)).toEqual(['issue 5']);
    expect(last.response.headers.get('link')).toContain('rel="next"; results="false"; cursor="0:6:0"');
  });

  it('answers 429 with Sentry rate-limit headers as many times as told, then serves again', async () => {
    const resetAt = NOW / 1000 + 30;
    sentry.rateLimitNext(1, { resetAt, limit: 40 });

    const limited = await getIssues({});
    const after = await getIssues({});

    expect(limited.response.status).toBe(429);
    expect(limited.response.headers.get('x-sentry-rate-limit-limit')).toBe('40');
    expect(limited.response.headers.get('x-sentry-rate-limit-remaining')).toBe('0');
    expect(limited.response.headers.get('x-sentry-rate-limit-reset')).toBe(String(resetAt));
    expect(limited.response.headers.get('retry-after')).toBe('30');
    expect(after.response.status).toBe(200);
  });

  it('fails the next requests with the chosen server error', async () => {
    sentry.failNext(2, 503);

    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await getIssues({})).response.status);

    expect(statuses).toEqual([503, 503, 200]);
  });
});

describe('fake Sentry envelope ingestion', () => {
  const post = (body: string | Buffer, headers: Record<string, string> = {}, query = '?sentry_key=publickey') =>
    fetch(`${sentry.url}/api/7/envelope/${query}`, { method: 'POST', body, headers: { 'content-type': 'application/x-sentry-envelope', ...headers } });

  const boardError = (release: string, userId: string) => ({
    event_id: 'a'.repeat(32),
    level: 'error',
    release,
    environment: 'production',
    timestamp: NOW / 1000,
    user: { id: userId },
    exception: {
      values: [{ type: 'TypeError', value: 'board is undefined', mechanism: { type: 'onerror', handled: false }, stacktrace: { frames: [{ function: 'loadBoard', filename: '/app/board.js', in_app: true }] } }],
    },
  });

  it('groups error events by exception type and value and keeps the release of the first event', async () => {
    const first = await post(envelope(boardError('1.2.0', 'u1'), boardError('1.2.0', 'u2')));
    await post(envelope(boardError('1.3.0', 'u1'), { level: 'warning', message: 'slow save', release: '1.3.0', environment: 'production' }));

    expect(first.status).toBe(200);
    const issues = sentry.issues();
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ title: 'TypeError: board is undefined', culprit: 'loadBoard(/app/board.js)', count: '3', userCount: 2, isUnhandled: true, level: 'error' });
    expect(issues[1]).toMatchObject({ title: 'slow save', level: 'warning', count: '1', userCount: 0 });

    const v120 = await getIssues({ project: '7', environment: 'production', query: 'firstRelease:"1.2.0"' });
    const v130 = await getIssues({ project: '7', query: 'firstRelease:"1.3.0"' });
    expect(v120.body.map((i) => i.title)).toEqual(['TypeError: board is undefined']);
    expect(v130.body.map((i) => i.title)).toEqual(['slow save']);
  });

  it('reads gzip-encoded envelopes and the key from X-Sentry-Auth', async () => {
    const response = await post(gzipSync(envelope(boardError('1.2.0', 'u1'))), {
      'content-encoding': 'gzip',
      'x-sentry-auth': 'Sentry sentry_version=7, sentry_client=test/1.0, sentry_key=publickey',
    }, '');

    expect(response.status).toBe(200);
    expect(sentry.issues().map((i) => i.title)).toEqual(['TypeError: board is undefined']);
  });

  it('ignores items that are not error events', async () => {
    const lines = [JSON.stringify({ event_id: 'e2' }), JSON.stringify({ type: 'session' }), JSON.stringify({ sid: 's1', status: 'ok' })];

    const response = await post(`${lines.join('\n')}\n`);

    expect(response.status).toBe(200);
    expect(sentry.issues()).toEqual([]);
  });

  it('refuses envelopes without a public key and bodies that are not envelopes', async () => {
    const keyless = await post(envelope(boardError('1.2.0', 'u1')), {}, '');
    const garbage = await post('not json\n');

    expect(keyless.status).toBe(401);
    expect(garbage.status).toBe(400);
    expect(sentry.issues()).toEqual([]);
  });
});
