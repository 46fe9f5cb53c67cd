import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSentry } from '../../src/preflight/sentry-check.js';
import { startFakeSentry, type FakeSentry } from '../../src/sandbox/sentry/fake-sentry.js';
import { serviceWith } from '../support/catalog.js';

const TOKEN = 'sntrys_preflight_secret_0123456789';
const service = serviceWith({ sentry: { org: 'acme', project: 'board', environment: 'production' } });

let sentry: FakeSentry;
beforeEach(async () => {
  sentry = await startFakeSentry({ token: TOKEN, org: 'acme', projects: [{ id: '7', slug: 'board' }] });
});
afterEach(async () => {
  await sentry.close();
});

const check = (s = service, token: string | null = TOKEN) => checkSentry(s, '1.2.0', { baseUrl: sentry.url, token: token ?? undefined, timeoutMs: 2_000 });

describe('Sentry check', () => {
  it('passes with the read a soak runs, counting the new issues of the version', async () => {
    sentry.addIssue({ title: 'TypeError: preview is undefined', firstRelease: '1.2.0', environment: 'production' });
    sentry.addIssue({ title: 'RangeError', firstRelease: '1.2.0', environment: 'production' });
    sentry.addIssue({ title: 'older', firstRelease: '1.1.0', environment: 'production' });

    expect(await check()).toEqual([{ area: 'Sentry', status: 'ok', detail: 'token reads acme/board (environment production): 2 new issues of 1.2.0', fix: null }]);
    expect(sentry.requests.map((r) => r.url.split('?')[0])).toEqual(['/api/0/projects/acme/board/', '/api/0/organizations/acme/issues/']);
  });

  it('fails a token Sentry rejects (401), naming the variable and the scopes', async () => {
    const [line] = await check(service, 'sntrys_revoked');

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('401');
    expect(line.fix).toContain('SENTRY_AUTH_TOKEN');
    expect(line.fix).toContain('event:read and project:read');
  });

  it('fails a token without access to the project (403), naming the scopes and the organization', async () => {
    const [line] = await check(serviceWith({ sentry: { org: 'acme', project: '99', environment: 'production' } }));

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('403');
    expect(line.fix).toContain('scopes event:read and project:read in organization acme');
  });

  it('fails an organization or project Sentry does not know (404), naming the catalog keys', async () => {
    const [line] = await check(serviceWith({ sentry: { org: 'acme', project: 'bord', environment: 'production' } }));

    expect(line.status).toBe('failed');
    expect(line.fix).toContain('sentry.org ("acme") and sentry.project ("bord")');
  });

  it('warns with the time to come back when Sentry rate-limits the read', async () => {
    sentry.rateLimitNext(1, { resetAt: Date.parse('2030-01-01T00:00:00Z') / 1000 });

    const [line] = await check();

    expect(line.status).toBe('warning');
    expect(line.fix).toContain('after 2030-01-01T00:00:00.000Z');
  });

  it('fails without SENTRY_AUTH_TOKEN and calls nothing', async () => {
    const [line] = await check(service, null);

    expect(line.status).toBe('failed');
    expect(line.fix).toContain('set SENTRY_AUTH_TOKEN');
    expect(sentry.requests).toEqual([]);
  });

  it('warns about a service without sentry settings: new errors are not watched', async () => {
    const [line] = await check(serviceWith({ sentry: undefined }));

    expect(line.status).toBe('warning');
    expect(line.detail).toContain('not watched');
    expect(line.fix).toContain('sentry: { org, project, environment }');
  });

  it('never puts the token in a line', async () => {
    const lines = [...(await check(service, `${TOKEN}x`)), ...(await check())];
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });
});
