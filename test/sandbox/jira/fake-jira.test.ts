import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jiraKeysIn } from '../../../src/adapters/changelog/jira-keys.js';
import { SAMPLE_HISTORY } from '../../../src/sandbox/git/sample-history.js';
import { SANDBOX_JIRA_USER } from '../../../src/sandbox/jira/auth.js';
import { startFakeJira, type FakeJira } from '../../../src/sandbox/jira/fake-jira.js';
import { SOFTWARE_WORKFLOW } from '../../../src/sandbox/jira/workflows.js';

const USER = SANDBOX_JIRA_USER;
const BASIC = `Basic ${Buffer.from(`${USER.email}:${USER.apiToken}`).toString('base64')}`;

let jira: FakeJira;

beforeEach(async () => {
  jira = await startFakeJira({ now: () => Date.parse('2026-06-02T10:00:00Z') });
});
afterEach(async () => {
  await jira.close();
});

async function call(method: string, path: string, body?: unknown, authorization: string | null = BASIC) {
  const response = await fetch(`${jira.url}${path}`, {
    method,
    headers: { accept: 'application/json', ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, any> };
}

describe('fake Jira: authentication', () => {
  it('accepts an email with its API token (Cloud) and a personal access token (Data Center)', async () => {
    expect((await call('GET', '/rest/api/2/issue/BOARD-101?fields=status')).status).toBe(200);
    expect((await call('GET', '/rest/api/2/issue/BOARD-101?fields=status', undefined, `Bearer ${USER.pat}`)).status).toBe(200);
    expect(jira.requests.map((r) => r.scheme)).toEqual(['basic', 'bearer']);
  });

  it('answers 401 with a JSON error without credentials and with Cloud\'s text line for wrong ones', async () => {
    const missing = await call('GET', '/rest/api/2/issue/BOARD-101', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.json.errorMessages).toEqual(['You are not authenticated. Authentication required to perform this operation.']);

    const wrongToken = await call('GET', '/rest/api/2/issue/BOARD-101', undefined, `Basic ${Buffer.from(`${USER.email}:nope`).toString('base64')}`);
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.text).toBe('Client must be authenticated to access this resource.');
    expect(wrongToken.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    expect((await call('GET', '/rest/api/2/issue/BOARD-101', undefined, 'Bearer wrong-pat')).status).toBe(401);
  });
});

describe('fake Jira: issues and workflow', () => {
  it('holds every issue the sample git history mentions', async () => {
    const keys = jiraKeysIn(SAMPLE_HISTORY.flatMap((v) => v.commits.map((c) => `${c.subject}\n${c.body ?? ''}`)).join('\n'));
    expect(keys).toContain('OPS-7');
    expect(keys).toContain('BOARD-95');
    for (const key of keys) expect(jira.issue(key).key).toBe(key);
    expect(jira.issue('BOARD-103').status).toBe('To Do');
  });

  it('serves an issue with only the fields asked for, and Jira\'s 404 for an unknown key', async () => {
    const issue = await call('GET', '/rest/api/2/issue/BOARD-107?fields=status');
    expect(issue.json.key).toBe('BOARD-107');
    expect(Object.keys(issue.json.fields)).toEqual(['status']);
    expect(issue.json.fields.status).toMatchObject({ name: 'In Review', statusCategory: { key: 'indeterminate', name: 'In Progress' } });

    const all = await call('GET', '/rest/api/2/issue/BOARD-101');
    expect(all.json.fields).toMatchObject({ summary: 'Save boards to the shared store every 5 seconds', fixVersions: [{ name: 'board-1.0.0', released: true }] });

    const missing = await call('GET', '/rest/api/2/issue/BOARD-999');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
  });

  it('offers the transitions of the current status and moves the issue through the workflow', async () => {
    const listed = await call('GET', '/rest/api/2/issue/BOARD-107/transitions?expand=transitions.fields');
    expect(listed.json.transitions.map((t: { name: string }) => t.name)).toEqual(['Back to In Progress', 'Done']);
    const done = listed.json.transitions.find((t: { name: string }) => t.name === 'Done');
    expect(done.to.statusCategory.key).toBe('done');
    expect(done.fields).toEqual({});

    const moved = await call('POST', '/rest/api/2/issue/BOARD-107/transitions', { transition: { id: done.id } });
    expect(moved.status).toBe(204);
    expect(jira.issue('BOARD-107')).toMatchObject({ status: 'Done', statusCategory: 'done', resolution: 'Done' });

    const again = await call('POST', '/rest/api/2/issue/BOARD-107/transitions', { transition: { id: done.id } });
    expect(again.status).toBe(400);
    expect(again.json.errorMessages[0]).toMatch(/^It seems that you have tried to perform a workflow operation \(Done\) that is not valid for the current state of this issue \(BOARD-107\)/);
    expect((await call('GET', '/rest/api/2/issue/BOARD-107/transitions')).json.transitions.map((t: { name: string }) => t.name)).toEqual(['Reopen']);
  });

  it('runs the classic workflow of OPS, whose Close Issue screen requires a resolution', async () => {
    const listed = await call('GET', '/rest/api/2/issue/OPS-7/transitions?expand=transitions.fields');
    const close = listed.json.transitions.find((t: { name: string }) => t.name === 'Close Issue');
    expect(close.fields.resolution).toMatchObject({ required: true, allowedValues: [{ name: 'Done' }, { name: "Won't Do" }, { name: 'Duplicate' }] });

    const refused = await call('POST', '/rest/api/2/issue/OPS-7/transitions', { transition: { id: close.id } });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ errorMessages: [], errors: { resolution: 'Resolution is required.' } });

    const closed = await call('POST', '/rest/api/2/issue/OPS-7/transitions', { transition: { id: close.id }, fields: { resolution: { name: "Won't Do" } } });
    expect(closed.status).toBe(204);
    expect(jira.issue('OPS-7')).toMatchObject({ status: 'Closed', statusCategory: 'done', resolution: "Won't Do" });
  });

  it('adds comments by the authenticated user and refuses an empty one', async () => {
    const added = await call('POST', '/rest/api/2/issue/BOARD-108/comment', { body: 'Released in board 1.1.0.' });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ body: 'Released in board 1.1.0.', author: { displayName: 'Release Bot' }, created: '2026-06-02T10:00:00.000+0000' });
    expect(jira.issue('BOARD-108').comments).toEqual(['Released in board 1.1.0.']);

    const empty = await call('POST', '/rest/api/2/issue/BOARD-108/comment', { body: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.json.errors).toEqual({ comment: 'Comment body can not be empty!' });
  });

  it('lists an issue\'s comments oldest first in pages of at most 100, with the total', async () => {
    for (let n = 1; n <= 102; n++) await call('POST', '/rest/api/2/issue/BOARD-108/comment', { body: `note ${n}` });

    const first = await call('GET', '/rest/api/2/issue/BOARD-108/comment');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ startAt: 0, maxResults: 100, total: 102 });
    expect(first.json.comments).toHaveLength(100);
    expect(first.json.comments[0]).toMatchObject({ body: 'note 1', author: { displayName: 'Release Bot' }, created: '2026-06-02T10:00:00.000+0000' });

    const last = await call('GET', '/rest/api/2/issue/BOARD-108/comment?startAt=100&maxResults=50');
    expect(last.json).toMatchObject({ startAt: 100, maxResults: 50, total: 102 });
    expect(last.json.comments.map((c: { body: string }) => c.body)).toEqual(['note 101', 'note 102']);

    expect((await call('GET', '/rest/api/2/issue/BOARD-999/comment')).json).toEqual({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
  });
});

describe('fake Jira: versions', () => {
  it('lists, creates and releases versions, refusing a duplicate name', async () => {
    const listed = await call('GET', '/rest/api/2/project/BOARD/versions');
    expect(listed.json.map((v: { name: string }) => v.name)).toEqual(['board-1.0.0', 'board-1.1.0', 'board-1.2.0']);

    const project = await call('GET', '/rest/api/2/project/BOARD');
    const created = await call('POST', '/rest/api/2/version', { name: 'board-1.3.0', projectId: Number(project.json.id), released: true, releaseDate: '2026-06-02' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'board-1.3.0', released: true, releaseDate: '2026-06-02', projectId: Number(project.json.id) });

    const duplicate = await call('POST', '/rest/api/2/version', { name: 'BOARD-1.3.0', project: 'BOARD' });
    expect(duplicate.json.errors).toEqual({ name: 'A version with this name already exists in this project.' });

    const unreleased = listed.json.find((v: { name: string }) => v.name === 'board-1.1.0');
    const released = await call('PUT', `/rest/api/2/version/${unreleased.id}`, { id: unreleased.id, released: true, releaseDate: '2026-06-03' });
    expect(released.json).toMatchObject({ name: 'board-1.1.0', released: true, releaseDate: '2026-06-03' });
    expect(jira.versions('BOARD').find((v) => v.name === 'board-1.1.0')).toMatchObject({ released: true, releaseDate: '2026-06-03' });
  });

  it('refuses a version without a project, a bad date and an unknown id, as Jira words it', async () => {
    expect((await call('POST', '/rest/api/2/version', { name: 'x' })).json.errors).toEqual({ project: 'Project must be specified to create a version.' });
    expect((await call('POST', '/rest/api/2/version', { name: 'x', project: 'BOARD', releaseDate: '02.06.2026' })).json.errors).toHaveProperty('releaseDate');
    const unknown = await call('PUT', '/rest/api/2/version/1', { released: true });
    expect(unknown.status).toBe(404);
    expect(unknown.json.errorMessages).toEqual(["Could not find version for id '1'"]);
    expect((await call('GET', '/rest/api/2/project/NOPE/versions')).json.errorMessages).toEqual(["No project could be found with key 'NOPE'."]);
  });
});

describe('fake Jira: search', () => {
  it('answers the removed /search endpoints with 410 and Jira Cloud\'s message', async () => {
    for (const [method, path] of [['GET', '/rest/api/2/search?jql=project%3DBOARD'], ['POST', '/rest/api/2/search'], ['GET', '/rest/api/3/search']]) {
      const gone = await call(method, path, method === 'POST' ? { jql: 'project = BOARD' } : undefined);
      expect(gone.status).toBe(410);
      expect(gone.json.errorMessages[0]).toMatch(/^The requested API has been removed\. Please migrate to the \/rest\/api\/3\/search\/jql API/);
    }
  });

  it('finds issues by key list and by fix version, page by page with next-page tokens', async () => {
    const first = await call('POST', '/rest/api/3/search/jql', { jql: 'key in (BOARD-110, "BOARD-107", board-108) ORDER BY key DESC', maxResults: 2, fields: ['status'] });
    expect(first.json.issues.map((i: { key: string }) => i.key)).toEqual(['BOARD-110', 'BOARD-108']);
    expect(first.json.issues[0].fields.status.name).toBe('In Review');
    expect(first.json.isLast).toBe(false);
    expect(first.json).not.toHaveProperty('total');

    const second = await call('POST', '/rest/api/3/search/jql', { jql: 'key in (BOARD-110, "BOARD-107", board-108) ORDER BY key DESC', maxResults: 2, nextPageToken: first.json.nextPageToken });
    expect(second.json.issues.map((i: { key: string }) => i.key)).toEqual(['BOARD-107']);
    expect(second.json.issues[0].fields).toEqual({});
    expect(second.json).toMatchObject({ isLast: true });
    expect(second.json).not.toHaveProperty('nextPageToken');

    const byVersion = await call('POST', '/rest/api/3/search/jql', { jql: 'fixVersion = "board-1.2.0" AND statusCategory != Done' });
    expect(byVersion.json.issues.map((i: { key: string }) => i.key)).toEqual(['BOARD-112', 'BOARD-115', 'BOARD-118']);
  });

  it('refuses unknown keys and versions, unknown fields, bad syntax and an unbounded query like Jira does', async () => {
    expect((await call('POST', '/rest/api/3/search/jql', { jql: 'key in (BOARD-101, BOARD-999)' })).json.errorMessages).toEqual(["An issue with key 'BOARD-999' does not exist for field 'key'."]);
    expect((await call('POST', '/rest/api/3/search/jql', { jql: 'fixVersion = "board-9.9.9"' })).json.errorMessages).toEqual(["The value 'board-9.9.9' does not exist for the field 'fixVersion'."]);
    expect((await call('POST', '/rest/api/3/search/jql', { jql: 'assignee = currentUser()' })).json.errorMessages).toEqual(["Field 'assignee' does not exist or you do not have permission to view it."]);
    const unclosed = await call('POST', '/rest/api/3/search/jql', { jql: 'key in (BOARD-101' });
    expect(unclosed.status).toBe(400);
    expect(unclosed.json.errorMessages[0]).toMatch(/^Error in the JQL Query: /);
    expect((await call('POST', '/rest/api/3/search/jql', { jql: '' })).status).toBe(400);
    expect((await call('POST', '/rest/api/3/search/jql', { jql: 'project = BOARD', nextPageToken: 'garbage' })).status).toBe(400);
  });
});

describe('fake Jira: faults and configuration', () => {
  it('fails matching requests the given number of times, then answers normally', async () => {
    jira.failNext(500, { path: '/transitions', times: 2 });
    expect((await call('GET', '/rest/api/2/issue/BOARD-107')).status).toBe(200);
    expect((await call('GET', '/rest/api/2/issue/BOARD-107/transitions')).status).toBe(500);
    expect((await call('GET', '/rest/api/2/issue/BOARD-107/transitions')).json).toEqual({ errorMessages: ['Internal server error'], errors: {} });
    expect((await call('GET', '/rest/api/2/issue/BOARD-107/transitions')).status).toBe(200);
  });

  it('answers a 503 with a proxy\'s HTML page and a 401 fault like wrong credentials', async () => {
    jira.failNext(503, { method: 'POST' });
    jira.failNext(401, { path: /\/comment$/ });
    const unavailable = await call('POST', '/rest/api/2/issue/BOARD-107/comment', { body: 'x' });
    expect(unavailable.status).toBe(503);
    expect(unavailable.text).toContain('Service Unavailable');
    expect((await call('POST', '/rest/api/2/issue/BOARD-107/comment', { body: 'x' })).text).toBe('Client must be authenticated to access this resource.');
  });

  it('leaves a request unanswered when told to hang', async () => {
    jira.hangNext({ path: 'BOARD-101' });
    await expect(fetch(`${jira.url}/rest/api/2/issue/BOARD-101`, { headers: { authorization: BASIC }, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await call('GET', '/rest/api/2/issue/BOARD-101')).status).toBe(200);
  });

  it('serves under a context path and takes other projects and issues when given', async () => {
    await jira.close();
    jira = await startFakeJira({
      basePath: '/jira',
      projects: [{ key: 'CHAT', name: 'Chat', workflow: SOFTWARE_WORKFLOW }],
      issues: [{ key: 'CHAT-1', summary: 'Typing indicator', fixVersions: ['chat-2.0.0'] }],
    });
    expect(jira.url).toMatch(/\/jira$/);
    expect((await call('GET', '/rest/api/2/issue/CHAT-1?fields=status')).json.fields.status.name).toBe('To Do');
    expect(jira.versions('CHAT').map((v) => v.name)).toEqual(['chat-2.0.0']);
    const outside = await fetch(`${new URL(jira.url).origin}/rest/api/2/issue/CHAT-1`, { headers: { authorization: BASIC } });
    expect(outside.status).toBe(404);
  });
});
