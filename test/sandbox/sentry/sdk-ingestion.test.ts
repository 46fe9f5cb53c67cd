import { defaultStackParser, getClient, makeNodeTransport, NodeClient, Scope } from '@sentry/node';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startFakeSentry, type FakeSentry } from '../../../src/sandbox/sentry/fake-sentry.js';

const TOKEN = 'sntrys_fake_token';

let sentry: FakeSentry;
let client: NodeClient | undefined;

beforeEach(async () => {
  sentry = await startFakeSentry({ token: TOKEN, projects: [{ id: '1', slug: 'board-server' }] });
});
afterEach(async () => {
  await client?.close(2000);
  client = undefined;
  await sentry.close();
});

/**
 * A client bound to its own scope, never installed globally (no Sentry.init), so nothing here
 * leaks into other tests; no integrations, so it patches nothing in the process.
 */
function sdkClient(release: string): { client: NodeClient; scope: Scope } {
  const created = new NodeClient({
    dsn: sentry.dsn('1'),
    release,
    environment: 'production',
    integrations: [],
    stackParser: defaultStackParser,
    transport: makeNodeTransport,
    sendClientReports: false,
    enableRuntimeChannelInjection: false,
    includeServerName: false,
  });
  const scope = new Scope();
  scope.setClient(created);
  client = created;
  return { client: created, scope };
}

async function issuesOf(release: string): Promise<Record<string, unknown>[]> {
  const url = `${sentry.url}/api/0/organizations/acme/issues/?${new URLSearchParams({ project: '1', environment: 'production', query: `firstRelease:"${release}"`, statsPeriod: '24h' })}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as Record<string, unknown>[];
}

it('turns an exception captured by @sentry/node into an issue of the release it was first seen in', async () => {
  const { client: sdk, scope } = sdkClient('1.2.0');
  scope.setUser({ id: 'user-42' });

  scope.captureException(new TypeError('Cannot read properties of undefined (reading "boardId")'));
  scope.captureException(new TypeError('Cannot read properties of undefined (reading "boardId")'));
  expect(await sdk.flush(5000)).toBe(true);

  const issues = await issuesOf('1.2.0');
  expect(issues).toHaveLength(1);
  expect(issues[0]).toMatchObject({
    title: 'TypeError: Cannot read properties of undefined (reading "boardId")',
    level: 'error',
    count: '2',
    userCount: 1,
    status: 'unresolved',
    project: { id: '1', slug: 'board-server' },
  });
  expect(await issuesOf('1.1.0')).toEqual([]);
  expect(getClient()).toBeUndefined();
});

it('reads the gzip-compressed envelopes the SDK sends for large events', async () => {
  const { client: sdk, scope } = sdkClient('1.2.0');
  scope.setExtra('snapshot', 'x'.repeat(64 * 1024));

  scope.captureMessage('board snapshot too large to save', 'warning');
  expect(await sdk.flush(5000)).toBe(true);

  const envelopeRequests = sentry.requests.filter((r) => r.url.startsWith('/api/1/envelope/'));
  expect(envelopeRequests.map((r) => r.headers['content-encoding'])).toEqual(['gzip']);
  expect(await issuesOf('1.2.0')).toMatchObject([{ title: 'board snapshot too large to save', level: 'warning' }]);
});
