import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../../src/config/catalog.js';
import { createJiraClient, type JiraClient } from '../../../src/adapters/jira/jira-client.js';
import { createJiraTickets, type JiraTicketsOptions } from '../../../src/adapters/jira/jira-tickets.js';
import { SANDBOX_JIRA_USER } from '../../../src/sandbox/jira/auth.js';
import { startFakeJira, type FakeJira } from '../../../src/sandbox/jira/fake-jira.js';
import { serviceWith } from '../../support/catalog.js';
import { dependencyFailure } from '../../support/failure.js';

const USER = SANDBOX_JIRA_USER;
const RELEASE = { id: 'rl-0a1b2c3d4e', version: '1.1.0' };
const COMMENT = 'Released in board 1.1.0 (release rl-0a1b2c3d4e).';
const board = serviceWith({ jira: { projects: ['BOARD'], doneTransition: 'Done', fixVersion: 'board-{version}' } });

let jira: FakeJira;

beforeEach(async () => {
  jira = await startFakeJira();
});
afterEach(async () => {
  await jira.close();
});

const cloud = (overrides: Partial<Extract<JiraTicketsOptions, { url: string }>> = {}) =>
  createJiraTickets({ url: jira.url, email: USER.email, apiToken: USER.apiToken, ...overrides });

const apiCalls = () => jira.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);

describe('closing the issues of a release', () => {
  it('comments on each issue and applies the Done transition, from whatever status it is in', async () => {
    const results = await cloud().close(board, ['BOARD-107', 'BOARD-108', 'BOARD-95'], RELEASE);

    expect(results).toEqual([
      { key: 'BOARD-107', transitioned: true, commented: true, problem: null },
      { key: 'BOARD-108', transitioned: true, commented: true, problem: null },
      { key: 'BOARD-95', transitioned: true, commented: true, problem: null },
    ]);
    for (const key of ['BOARD-107', 'BOARD-108', 'BOARD-95']) {
      expect(jira.issue(key)).toMatchObject({ status: 'Done', comments: [COMMENT] });
    }
    expect(apiCalls().slice(0, 5)).toEqual([
      'GET /rest/api/2/issue/BOARD-107',
      'GET /rest/api/2/issue/BOARD-107/comment',
      'POST /rest/api/2/issue/BOARD-107/comment',
      'GET /rest/api/2/issue/BOARD-107/transitions',
      'POST /rest/api/2/issue/BOARD-107/transitions',
    ]);
    expect(jira.requests.every((r) => r.scheme === 'basic')).toBe(true);
    expect(jira.requests.some((r) => r.path.includes('/search'))).toBe(false);
  });

  it('leaves an issue that is already done as it is, and says so', async () => {
    const [result] = await cloud().close(board, ['BOARD-101'], RELEASE);

    expect(result).toEqual({ key: 'BOARD-101', transitioned: false, commented: true, problem: 'already Done, so not transitioned' });
    expect(apiCalls()).not.toContain('GET /rest/api/2/issue/BOARD-101/transitions');
  });

  it('names the transitions there are when none is called like the service\'s done transition', async () => {
    const [ops] = await cloud().close(board, ['OPS-7'], RELEASE);

    expect(ops).toEqual({ key: 'OPS-7', transitioned: false, commented: true, problem: 'no transition named Done from In Progress (available: Stop Progress, Close Issue)' });
    expect(jira.issue('OPS-7').status).toBe('In Progress');
  });

  it('finds the transition whatever its case and fills in the resolution its screen requires', async () => {
    const ops = serviceWith({ jira: { projects: ['OPS'], doneTransition: 'close issue', fixVersion: '{service}-{version}' } });

    const [result] = await cloud().close(ops, ['OPS-7'], RELEASE);

    expect(result).toEqual({ key: 'OPS-7', transitioned: true, commented: true, problem: null });
    expect(jira.issue('OPS-7')).toMatchObject({ status: 'Closed', resolution: 'Done' });
  });

  it('reports an issue that does not exist and carries on with the others', async () => {
    const results = await cloud().close(board, ['BOARD-999', 'BOARD-110'], RELEASE);

    expect(results).toEqual([
      { key: 'BOARD-999', transitioned: false, commented: false, problem: 'issue does not exist or you may not see it' },
      { key: 'BOARD-110', transitioned: true, commented: true, problem: null },
    ]);
  });

  it('handles each key once, whatever case the changelog wrote it in', async () => {
    const results = await cloud().close(board, ['BOARD-107', 'board-107', ' BOARD-107'], RELEASE);

    expect(results.map((r) => r.key)).toEqual(['BOARD-107']);
    expect(jira.issue('BOARD-107').comments).toEqual([COMMENT]);
  });

  it('does nothing for an empty list of keys', async () => {
    expect(await cloud().close(board, [], RELEASE)).toEqual([]);
    expect(jira.requests).toEqual([]);
  });

  it('reports what Jira refused on one issue and carries on', async () => {
    jira.failNext(500, { path: '/BOARD-108/comment', method: 'POST' });
    jira.failNext(403, { path: '/BOARD-110/transitions', method: 'POST' });

    const results = await cloud().close(board, ['BOARD-107', 'BOARD-108', 'BOARD-110', 'BOARD-112'], RELEASE);

    expect(results).toEqual([
      { key: 'BOARD-107', transitioned: true, commented: true, problem: null },
      { key: 'BOARD-108', transitioned: false, commented: false, problem: 'Jira answered 500 when asked to comment' },
      { key: 'BOARD-110', transitioned: false, commented: true, problem: 'not allowed to apply the Done transition: You do not have the permission to perform this operation.' },
      { key: 'BOARD-112', transitioned: true, commented: true, problem: null },
    ]);
  });

  it('tells which screen fields it cannot fill in instead of failing the transition', async () => {
    const client: JiraClient = {
      status: async () => ({ name: 'In Review', category: 'indeterminate' }),
      comment: async () => undefined,
      comments: async () => [],
      transitions: async () => [
        { id: '51', name: 'Done', fields: { customfield_10010: { required: true, name: 'Release notes' }, resolution: { required: true, allowedValues: [{ id: '1', name: 'Fixed' }] } } },
      ],
      transition: async () => {
        throw new Error('must not transition');
      },
      versions: async () => [],
      projectId: async () => '1',
      createVersion: async () => ({ id: '1', name: 'x', released: true }),
      updateVersion: async () => ({ id: '1', name: 'x', released: true }),
    };

    const [result] = await createJiraTickets({ client }).close(board, ['BOARD-1'], RELEASE);

    expect(result).toEqual({ key: 'BOARD-1', transitioned: false, commented: true, problem: 'the Done transition asks for Release notes, which the bot cannot fill in' });
  });

  it('works with a personal access token against Jira under a context path', async () => {
    await jira.close();
    jira = await startFakeJira({ basePath: '/jira' });

    const results = await createJiraTickets({ url: `${jira.url}/`, pat: USER.pat }).close(board, ['BOARD-112'], RELEASE);

    expect(results).toEqual([{ key: 'BOARD-112', transitioned: true, commented: true, problem: null }]);
    expect(jira.requests.every((r) => r.scheme === 'bearer' && r.path.startsWith('/jira/rest/api/2/'))).toBe(true);
  });
});

describe('closing the issues of a release again, after a crash or with Retry Jira', () => {
  it('leaves an issue it already commented on and moved as it is, reports it closed, and closes the rest', async () => {
    await cloud().close(board, ['BOARD-107'], RELEASE);
    const before = jira.requests.length;

    const results = await cloud().close(board, ['BOARD-107', 'BOARD-108'], RELEASE);

    expect(results).toEqual([
      { key: 'BOARD-107', transitioned: true, commented: true, problem: null },
      { key: 'BOARD-108', transitioned: true, commented: true, problem: null },
    ]);
    for (const key of ['BOARD-107', 'BOARD-108']) expect(jira.issue(key)).toMatchObject({ status: 'Done', comments: [COMMENT] });
    expect(apiCalls().slice(before)).toEqual([
      'GET /rest/api/2/issue/BOARD-107',
      'GET /rest/api/2/issue/BOARD-107/comment',
      'GET /rest/api/2/issue/BOARD-108',
      'GET /rest/api/2/issue/BOARD-108/comment',
      'POST /rest/api/2/issue/BOARD-108/comment',
      'GET /rest/api/2/issue/BOARD-108/transitions',
      'POST /rest/api/2/issue/BOARD-108/transitions',
    ]);
  });

  it('moves an issue it commented on but could not move, without commenting again', async () => {
    jira.failNext(500, { path: '/BOARD-108/transitions', method: 'POST' });
    const [first] = await cloud().close(board, ['BOARD-108'], RELEASE);
    expect(first).toEqual({ key: 'BOARD-108', transitioned: false, commented: true, problem: 'Jira answered 500 when asked to apply the Done transition' });

    const [again] = await cloud().close(board, ['BOARD-108'], RELEASE);

    expect(again).toEqual({ key: 'BOARD-108', transitioned: true, commented: true, problem: null });
    expect(jira.issue('BOARD-108')).toMatchObject({ status: 'Done', comments: [COMMENT] });
  });

  it('still reports an issue that was done without this release, though another release whose ID starts alike commented on it', async () => {
    await cloud().close(board, ['BOARD-101'], { id: 'rl-0a1b2c3d4e0', version: '1.0.9' });

    const [result] = await cloud().close(board, ['BOARD-101'], RELEASE);

    expect(result).toEqual({ key: 'BOARD-101', transitioned: false, commented: true, problem: 'already Done, so not transitioned' });
    expect(jira.issue('BOARD-101').comments).toEqual(['Released in board 1.0.9 (release rl-0a1b2c3d4e0).', COMMENT]);
  });

  it('finds its comment beyond the first page of an issue\'s comments', async () => {
    const client = createJiraClient({ url: jira.url, email: USER.email, apiToken: USER.apiToken });
    for (let n = 1; n <= 100; n++) await client.comment('BOARD-108', `note ${n}`);
    await client.comment('BOARD-108', COMMENT);
    const before = jira.requests.length;

    const [result] = await createJiraTickets({ client }).close(board, ['BOARD-108'], RELEASE);

    expect(result).toEqual({ key: 'BOARD-108', transitioned: true, commented: true, problem: null });
    expect(jira.issue('BOARD-108').comments).toHaveLength(101);
    expect(jira.requests.slice(before).filter((r) => r.path.includes('/comment')).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /rest/api/2/issue/BOARD-108/comment?startAt=0&maxResults=100',
      'GET /rest/api/2/issue/BOARD-108/comment?startAt=100&maxResults=100',
    ]);
  });

  it('throws, having changed nothing, when Jira fails while it reads the comments of the first issue', async () => {
    jira.failNext(503, { path: '/comment', method: 'GET' });

    const error = await dependencyFailure(cloud().close(board, ['BOARD-107', 'BOARD-108'], RELEASE), 'jira');

    expect(error.message).toBe('Jira answered 503, Jira says: 503 Service Unavailable while reading the comments of BOARD-107; that is usually temporary');
    expect(jira.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('Jira failing as a whole', () => {
  it('throws before anything changed when the API token is wrong, naming the variables to check and not the token', async () => {
    const error = await dependencyFailure(cloud({ apiToken: 'ATATT3xFfGF0-wrong-token' }).close(board, ['BOARD-107', 'BOARD-108'], RELEASE), 'jira');

    expect(error.code).toBe('Unauthorized');
    expect(error.message).toBe('Jira rejected the credentials while reading BOARD-107 (401, Jira says: Client must be authenticated to access this resource.): check JIRA_EMAIL and JIRA_API_TOKEN (Atlassian API tokens expire)');
    expect(jira.requests).toHaveLength(1);
  });

  it('names JIRA_PAT when a Data Center token is refused', async () => {
    const error = await dependencyFailure(createJiraTickets({ url: jira.url, pat: 'expired-pat' }).close(board, ['BOARD-107'], RELEASE), 'jira');
    expect(error.message).toMatch(/check JIRA_PAT$/);
  });

  it('throws when the first issue meets a server error, so that a retry repeats nothing', async () => {
    jira.failNext(503);
    const error = await dependencyFailure(cloud().close(board, ['BOARD-107', 'BOARD-108'], RELEASE), 'jira');
    expect(error.code).toBe('ServerError');
    expect(error.message).toBe('Jira answered 503, Jira says: 503 Service Unavailable while reading BOARD-107; that is usually temporary');
    expect(jira.issue('BOARD-108').comments).toEqual([]);
  });

  it('throws with the time to come back when Jira rate-limits the first call', async () => {
    const now = Date.parse('2026-06-02T10:00:00Z');
    jira.failNext(429);
    const error = await dependencyFailure(cloud({ clock: { now: () => now } }).close(board, ['BOARD-107'], RELEASE), 'jira');
    expect(error.code).toBe('RateLimited');
    expect(error.retryAt).toBe(now + 5_000);
  });

  it('throws on 410 Gone, an API Jira no longer offers', async () => {
    jira.failNext(410);
    expect((await dependencyFailure(cloud().close(board, ['BOARD-107'], RELEASE), 'jira')).code).toBe('Gone');
  });

  it('reports per key once something changed: the failing key, then the rest as not attempted without calling Jira', async () => {
    jira.failNext(401, { path: '/BOARD-108/comment', method: 'POST' });

    const results = await cloud().close(board, ['BOARD-107', 'BOARD-108', 'BOARD-110'], RELEASE);

    expect(results[0]).toEqual({ key: 'BOARD-107', transitioned: true, commented: true, problem: null });
    expect(results[1]).toMatchObject({ key: 'BOARD-108', commented: false, problem: expect.stringMatching(/^Jira rejected the credentials while commenting on BOARD-108/) });
    expect(results[2]).toMatchObject({ key: 'BOARD-110', commented: false, transitioned: false, problem: expect.stringMatching(/^not attempted: Jira rejected the credentials/) });
    expect(apiCalls().some((c) => c.includes('BOARD-110'))).toBe(false);
  });

  it('throws when Jira cannot be reached', async () => {
    const port = (jira.url.match(/:(\d+)$/) ?? [])[1];
    await jira.close();
    const error = await dependencyFailure(cloud({ url: `http://127.0.0.1:${port}` }).close(board, ['BOARD-107'], RELEASE), 'jira');
    expect(error.code).toBe('Unreachable');
    expect(error.message).toBe(`cannot reach Jira at http://127.0.0.1:${port} while reading BOARD-107: ECONNREFUSED`);
    jira = await startFakeJira();
  });

  it('throws when Jira does not answer in time', async () => {
    jira.hangNext();
    const error = await dependencyFailure(cloud({ timeoutMs: 300 }).close(board, ['BOARD-107'], RELEASE), 'jira');
    expect(error.code).toBe('Timeout');
    expect(error.message).toBe(`Jira at ${jira.url} did not answer within 0.3s while reading BOARD-107`);
  });

  it('throws when a login page answers instead of Jira\'s API', async () => {
    const proxy = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>Sign in with SSO</body></html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const error = await dependencyFailure(cloud({ url }).close(board, ['BOARD-107'], RELEASE), 'jira');
      expect(error.code).toBe('BadResponse');
      expect(error.message).toMatch(/^Jira answered unexpectedly while reading BOARD-107: /);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('refuses a service without Jira settings and a client without credentials', async () => {
    const withoutJira: ServiceConfig = { ...board, jira: undefined };
    expect((await dependencyFailure(cloud().close(withoutJira, ['BOARD-107'], RELEASE), 'jira')).code).toBe('NotConfigured');
    expect(() => createJiraTickets({ url: jira.url, email: USER.email })).toThrow('Jira needs JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center)');
  });
});

describe('releasing the fix version', () => {
  const berlin = serviceWith({ jira: { projects: ['BOARD'], doneTransition: 'Done', fixVersion: 'board-{version}' }, windows: { ...board.windows!, timezone: 'Europe/Berlin' } });
  // 23:30 UTC on 2 June is 3 June in Berlin.
  const at = Date.parse('2026-06-02T23:30:00Z');

  it('marks the existing version released on the local date of the release', async () => {
    expect(await cloud().releaseVersion(berlin, '1.1.0', at)).toBe('board-1.1.0');
    expect(jira.versions('BOARD').find((v) => v.name === 'board-1.1.0')).toMatchObject({ released: true, releaseDate: '2026-06-03' });
  });

  it('creates the version, released, in every project of the service when it is missing', async () => {
    const both = serviceWith({ jira: { projects: ['BOARD', 'OPS'], doneTransition: 'Done', fixVersion: '{service}-{version}' }, windows: undefined });

    expect(await cloud().releaseVersion(both, '1.3.0', at)).toBe('board-1.3.0');

    for (const project of ['BOARD', 'OPS']) {
      expect(jira.versions(project).find((v) => v.name === 'board-1.3.0')).toMatchObject({ released: true, releaseDate: '2026-06-02' });
    }
  });

  it('leaves an already released version and its date alone', async () => {
    await cloud().releaseVersion(berlin, '1.0.0', at);
    expect(jira.versions('BOARD').find((v) => v.name === 'board-1.0.0')).toMatchObject({ released: true, releaseDate: '2026-05-12' });
    expect(apiCalls()).toEqual(['GET /rest/api/2/project/BOARD/versions']);
  });

  it('throws a DependencyError naming the project when Jira refuses', async () => {
    const missing = serviceWith({ jira: { projects: ['NOPE'], doneTransition: 'Done', fixVersion: 'board-{version}' } });
    const error = await dependencyFailure(cloud().releaseVersion(missing, '1.1.0', at), 'jira');
    expect(error.message).toBe("Jira found nothing while listing the versions of project NOPE (404, Jira says: No project could be found with key 'NOPE'.)");
  });
});
