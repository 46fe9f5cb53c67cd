import JiraApi from 'jira-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_JIRA_USER } from '../../../src/sandbox/jira/auth.js';
import { startFakeJira, type FakeJira, type FakeJiraOptions } from '../../../src/sandbox/jira/fake-jira.js';

const USER = SANDBOX_JIRA_USER;
const BASIC = `Basic ${Buffer.from(`${USER.email}:${USER.apiToken}`).toString('base64')}`;
const BOT_NEEDS = 'TRANSITION_ISSUES,ADD_COMMENTS,ADMINISTER_PROJECTS';

let jira: FakeJira;

async function restart(options: FakeJiraOptions): Promise<void> {
  await jira.close();
  jira = await startFakeJira(options);
}

beforeEach(async () => {
  jira = await startFakeJira();
});
afterEach(async () => {
  await jira.close();
});

/** jira-client as the bot configures it: Cloud with email + API token, Data Center with a PAT. */
function client(auth: 'cloud' | 'dc'): JiraApi {
  const url = new URL(jira.url);
  return new JiraApi({
    protocol: 'http',
    host: url.hostname,
    port: url.port,
    base: url.pathname.replace(/\/+$/, ''),
    ...(auth === 'dc' ? { bearer: USER.pat } : { username: USER.email, password: USER.apiToken }),
    apiVersion: '2',
    strictSSL: true,
  });
}

async function get(path: string, authorization: string | null = BASIC) {
  const response = await fetch(`${jira.url}${path}`, { headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) } });
  const text = await response.text();
  return { status: response.status, text, json: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null) as Record<string, any> };
}

describe('fake Jira: who am I', () => {
  it('describes a Cloud user (email + API token) by account ID, without name or key', async () => {
    const me = (await client('cloud').getCurrentUser()) as Record<string, unknown>;
    expect(me).toMatchObject({ accountType: 'atlassian', emailAddress: USER.email, displayName: 'Release Bot', active: true, timeZone: 'Etc/UTC' });
    expect(me.accountId).toMatch(/^[0-9a-f]{24}$/);
    expect(me.self).toBe(`${jira.url}/rest/api/2/user?accountId=${me.accountId}`);
    expect(me).not.toHaveProperty('name');
    expect(me).not.toHaveProperty('key');
  });

  it('describes a Data Center user (PAT) by name and key', async () => {
    const me = (await client('dc').getCurrentUser()) as Record<string, unknown>;
    expect(me).toMatchObject({ name: 'release-bot', key: 'JIRAUSER10000', emailAddress: USER.email, displayName: 'Release Bot', active: true, deleted: false });
    expect(me.self).toBe(`${jira.url}/rest/api/2/user?username=release-bot`);
  });

  it('comments as the same account it reports', async () => {
    const me = (await client('cloud').getCurrentUser()) as { accountId: string };
    await client('cloud').addComment('BOARD-108', 'Released in board 1.1.0.');
    const comments = (await get('/rest/api/2/issue/BOARD-108/comment')).json.comments as { author: { accountId: string } }[];
    expect(comments[0].author.accountId).toBe(me.accountId);
  });

  it('answers 401 without credentials and with wrong ones, like every other call', async () => {
    const missing = await get('/rest/api/2/myself', null);
    expect(missing.status).toBe(401);
    expect(missing.json.errorMessages).toEqual(['You are not authenticated. Authentication required to perform this operation.']);
    const wrong = await get('/rest/api/2/myself', `Basic ${Buffer.from(`${USER.email}:expired`).toString('base64')}`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).toBe('Client must be authenticated to access this resource.');
  });
});

describe('fake Jira: my permissions', () => {
  it('grants every permission in a project by default, in Jira’s shape', async () => {
    const answer = (await client('cloud').genericGet(`mypermissions?projectKey=BOARD&permissions=${BOT_NEEDS}`)) as { permissions: Record<string, unknown> };
    expect(Object.keys(answer.permissions).sort()).toEqual(['ADD_COMMENTS', 'ADMINISTER_PROJECTS', 'TRANSITION_ISSUES']);
    expect(answer.permissions.TRANSITION_ISSUES).toEqual({
      id: '46',
      key: 'TRANSITION_ISSUES',
      name: 'Transition Issues',
      type: 'PROJECT',
      description: 'Ability to transition issues.',
      havePermission: true,
    });
    expect(answer.permissions.ADD_COMMENTS).toMatchObject({ id: '15', havePermission: true });
    expect(answer.permissions.ADMINISTER_PROJECTS).toMatchObject({ id: '23', havePermission: true });
  });

  it('reports a permission the user lacks in one project, and only there', async () => {
    await restart({ denied: { BOARD: ['TRANSITION_ISSUES'] } });
    const board = (await client('cloud').genericGet(`mypermissions?projectKey=BOARD&permissions=${BOT_NEEDS}`)) as { permissions: Record<string, { havePermission: boolean }> };
    expect(Object.fromEntries(Object.entries(board.permissions).map(([key, p]) => [key, p.havePermission]))).toEqual({
      TRANSITION_ISSUES: false,
      ADD_COMMENTS: true,
      ADMINISTER_PROJECTS: true,
    });
    expect((await get('/rest/api/2/mypermissions?projectKey=OPS&permissions=TRANSITION_ISSUES')).json.permissions.TRANSITION_ISSUES.havePermission).toBe(true);
    expect((await get('/rest/api/2/mypermissions?issueKey=BOARD-107&permissions=TRANSITION_ISSUES')).json.permissions.TRANSITION_ISSUES.havePermission).toBe(false);
    // Without a project, Jira answers whether the permission is held in any project.
    expect((await get('/rest/api/2/mypermissions?permissions=TRANSITION_ISSUES')).json.permissions.TRANSITION_ISSUES.havePermission).toBe(true);
  });

  it('changes what a user lacks at run time', async () => {
    jira.setDenied('BOARD', ['ADMINISTER_PROJECTS', 'ADD_COMMENTS']);
    const denied = await get(`/rest/api/2/mypermissions?projectKey=BOARD&permissions=${BOT_NEEDS}`);
    expect(Object.values(denied.json.permissions).map((p: any) => `${p.key}:${p.havePermission}`)).toEqual(['ADD_COMMENTS:false', 'ADMINISTER_PROJECTS:false', 'TRANSITION_ISSUES:true']);

    jira.setDenied('BOARD', []);
    expect(Object.values((await get(`/rest/api/2/mypermissions?projectKey=BOARD&permissions=${BOT_NEEDS}`)).json.permissions).every((p: any) => p.havePermission)).toBe(true);
    expect(() => jira.setDenied('BOARD', ['TRANSITION_ISSUE'])).toThrow(/unknown permissions TRANSITION_ISSUE/);
  });

  it('requires the permissions list on Cloud, and answers every permission without it on Data Center', async () => {
    const missing = await get('/rest/api/2/mypermissions?projectKey=BOARD');
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ errorMessages: ["The 'permissions' query parameter is required."], errors: {} });

    const all = (await client('dc').genericGet('mypermissions?projectKey=BOARD')) as { permissions: Record<string, unknown> };
    expect(Object.keys(all.permissions)).toEqual(expect.arrayContaining(['BROWSE_PROJECTS', 'TRANSITION_ISSUES', 'ADD_COMMENTS', 'ADMINISTER_PROJECTS']));
  });

  it('answers 404 for an unknown project or issue and 400 for an unknown permission', async () => {
    const project = await get('/rest/api/2/mypermissions?projectKey=NOPE&permissions=TRANSITION_ISSUES');
    expect(project.status).toBe(404);
    expect(project.json).toEqual({ errorMessages: ["No project could be found with key 'NOPE'."], errors: {} });
    const issue = await get('/rest/api/2/mypermissions?issueKey=BOARD-999&permissions=TRANSITION_ISSUES');
    expect(issue.status).toBe(404);
    expect(issue.json.errorMessages).toEqual(['Issue does not exist or you do not have permission to see it.']);
    const permission = await get('/rest/api/2/mypermissions?projectKey=BOARD&permissions=TRANSITION_ISSUE');
    expect(permission.status).toBe(400);
    expect(permission.json.errorMessages[0]).toMatch(/TRANSITION_ISSUE/);
  });

  it('refuses a denial of an unknown project or permission at start', async () => {
    await expect(startFakeJira({ denied: { NOPE: ['TRANSITION_ISSUES'] } })).rejects.toThrow(/unknown projects NOPE/);
    await expect(startFakeJira({ denied: { BOARD: ['CLOSE'] } })).rejects.toThrow(/unknown permissions CLOSE/);
  });
});
