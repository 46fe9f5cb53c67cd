import { afterEach, describe, expect, it } from 'vitest';
import { checkJira, type JiraCheckOptions } from '../../src/preflight/jira-check.js';
import { SANDBOX_JIRA_USER } from '../../src/sandbox/jira/auth.js';
import { startFakeJira, type FakeJira, type FakeJiraOptions } from '../../src/sandbox/jira/fake-jira.js';
import { renameTransition, SOFTWARE_WORKFLOW } from '../../src/sandbox/jira/workflows.js';
import { serviceWith } from '../support/catalog.js';

const USER = SANDBOX_JIRA_USER;
const board = serviceWith({ jira: { projects: ['BOARD'], doneTransition: 'Done', fixVersion: 'board-{version}' } });

let jira: FakeJira | undefined;
afterEach(async () => {
  await jira?.close();
  jira = undefined;
});

async function fake(options: FakeJiraOptions = {}): Promise<FakeJira> {
  jira = await startFakeJira(options);
  return jira;
}

const cloud = (fakeJira: FakeJira, overrides: JiraCheckOptions = {}): JiraCheckOptions => ({ url: fakeJira.url, email: USER.email, apiToken: USER.apiToken, timeoutMs: 2_000, ...overrides });

describe('Jira check', () => {
  it('passes: signed in, every permission held, and an open issue offers the done transition', async () => {
    const fakeJira = await fake();

    const lines = await checkJira(board, cloud(fakeJira));

    expect(lines.map((l) => l.status)).toEqual(['ok', 'ok', 'ok']);
    expect(lines[0].detail).toContain('as Release Bot');
    expect(lines[1].detail).toContain('Transition Issues, Administer Projects in BOARD');
    expect(lines[2].detail).toMatch(/^BOARD-\d+ \([^)]+\) offers "Done"/);
  });

  it('changes nothing and never calls the removed search endpoint', async () => {
    const fakeJira = await fake();
    await checkJira(board, cloud(fakeJira));

    const calls = fakeJira.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(calls).toEqual(['GET /rest/api/2/myself', 'GET /rest/api/2/mypermissions', 'POST /rest/api/3/search/jql', expect.stringMatching(/^GET \/rest\/api\/2\/issue\/BOARD-\d+\/transitions$/)]);
    expect(fakeJira.requests[2].body).toEqual({ jql: 'project = "BOARD" AND statusCategory != Done ORDER BY updated DESC', maxResults: 1, fields: ['status'] });
  });

  it('fails a bad API token once, naming JIRA_EMAIL and JIRA_API_TOKEN', async () => {
    const fakeJira = await fake();

    const lines = await checkJira(board, cloud(fakeJira, { apiToken: 'expired-token' }));

    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('failed');
    expect(lines[0].detail).toContain('401');
    expect(lines[0].fix).toContain('JIRA_EMAIL and JIRA_API_TOKEN');
    expect(JSON.stringify(lines)).not.toContain('expired-token');
  });

  it('fails a bad personal access token, naming JIRA_PAT', async () => {
    const fakeJira = await fake();

    const [line] = await checkJira(board, { url: fakeJira.url, pat: 'not-the-pat' });

    expect(line.status).toBe('failed');
    expect(line.fix).toContain('JIRA_PAT');
  });

  it('passes with a personal access token (Data Center)', async () => {
    const fakeJira = await fake();

    const lines = await checkJira(board, { url: fakeJira.url, pat: USER.pat });

    expect(lines.map((l) => l.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('fails a missing permission, naming what it is for and how to grant it', async () => {
    const fakeJira = await fake({ denied: { BOARD: ['ADMINISTER_PROJECTS'] } });

    const lines = await checkJira(board, cloud(fakeJira));

    expect(lines.map((l) => l.status)).toEqual(['ok', 'failed', 'ok']);
    expect(lines[1].detail).toContain('lacks Administer Projects in BOARD');
    expect(lines[1].detail).toContain('fix version');
    expect(lines[1].fix).toContain('Administer Projects (ADMINISTER_PROJECTS)');
    expect(lines[1].fix).toContain('permission scheme of BOARD');
  });

  it('sees a permission granted again', async () => {
    const fakeJira = await fake({ denied: { BOARD: ['TRANSITION_ISSUES', 'ADD_COMMENTS'] } });
    expect((await checkJira(board, cloud(fakeJira)))[1].detail).toContain('lacks Add Comments, Transition Issues');

    fakeJira.setDenied('BOARD', []);
    expect((await checkJira(board, cloud(fakeJira)))[1].status).toBe('ok');
  });

  it('fails a project whose workflow has no transition named jira.doneTransition, naming those offered', async () => {
    const fakeJira = await fake({ workflows: { BOARD: renameTransition(SOFTWARE_WORKFLOW, 'Done', 'Close') } });

    const lines = await checkJira(board, cloud(fakeJira));

    expect(lines[2].status).toBe('failed');
    expect(lines[2].detail).toContain('"Close"');
    expect(lines[2].detail).toContain('none is named "Done"');
    expect(lines[2].fix).toContain('set jira.doneTransition to "Close"');
    expect(lines[2].fix).toContain('add a "Done" transition');
  });

  it('compares the transition name as a release does: case and spaces do not matter', async () => {
    const fakeJira = await fake({ workflows: { BOARD: renameTransition(SOFTWARE_WORKFLOW, 'Done', 'Close') } });
    const service = serviceWith({ jira: { projects: ['BOARD'], doneTransition: ' close ', fixVersion: 'board-{version}' } });

    const lines = await checkJira(service, cloud(fakeJira));

    expect(lines[2].status).toBe('ok');
    expect(lines[2].detail).toContain('offers "Close"');
  });

  it('warns when the project has no open issue to look at', async () => {
    const fakeJira = await fake({ projects: [{ key: 'BOARD', name: 'Board server', workflow: SOFTWARE_WORKFLOW }], issues: [{ key: 'BOARD-1', summary: 'shipped', status: 'Done' }] });

    const lines = await checkJira(board, cloud(fakeJira));

    expect(lines[2].status).toBe('warning');
    expect(lines[2].detail).toContain('BOARD has no open issue');
  });

  it('fails a project key Jira does not know, naming jira.projects', async () => {
    const fakeJira = await fake();
    const service = serviceWith({ jira: { projects: ['BORD'], doneTransition: 'Done', fixVersion: 'board-{version}' } });

    const lines = await checkJira(service, cloud(fakeJira));

    expect(lines.map((l) => l.status)).toEqual(['ok', 'failed']);
    expect(lines[1].detail).toContain('no project BORD');
    expect(lines[1].fix).toContain('jira.projects');
  });

  it('fails when the catalog names projects but Jira is not configured in the environment', async () => {
    const [line] = await checkJira(board, { email: USER.email, apiToken: USER.apiToken });

    expect(line.status).toBe('failed');
    expect(line.detail).toContain('JIRA_URL is not set');
    expect(line.fix).toContain('JIRA_PAT');
  });

  it('says so, in an ok line, when the service closes no Jira issues', async () => {
    const [line] = await checkJira(serviceWith({ jira: undefined }), {});

    expect(line.status).toBe('ok');
    expect(line.detail).toContain('not configured');
  });
});
