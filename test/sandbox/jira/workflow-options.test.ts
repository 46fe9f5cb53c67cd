import JiraApi from 'jira-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_JIRA_USER } from '../../../src/sandbox/jira/auth.js';
import { startFakeJira, type FakeJira } from '../../../src/sandbox/jira/fake-jira.js';
import { CLASSIC_WORKFLOW, renameTransition, SOFTWARE_WORKFLOW } from '../../../src/sandbox/jira/workflows.js';

const USER = SANDBOX_JIRA_USER;
let jira: FakeJira | undefined;

afterEach(async () => {
  await jira?.close();
  jira = undefined;
});

function client(fake: FakeJira): JiraApi {
  const url = new URL(fake.url);
  return new JiraApi({ protocol: 'http', host: url.hostname, port: url.port, username: USER.email, password: USER.apiToken, apiVersion: '2', strictSSL: true });
}

const names = (answer: unknown) => (answer as { transitions: { name: string }[] }).transitions.map((t) => t.name);

describe('fake Jira: a project without a "Done" transition', () => {
  it('offers "Close" where the software workflow offers "Done", keeping the sample issues and their statuses', async () => {
    jira = await startFakeJira({ workflows: { BOARD: renameTransition(SOFTWARE_WORKFLOW, 'Done', 'Close') } });
    const api = client(jira);

    const offered = await api.listTransitions('BOARD-107');
    expect(names(offered)).toEqual(['Back to In Progress', 'Close']);
    expect(names(offered)).not.toContain('Done');
    expect(jira.issue('BOARD-107').status).toBe('In Review');

    const close = (offered as { transitions: { id: string; name: string }[] }).transitions.find((t) => t.name === 'Close');
    await api.transitionIssue('BOARD-107', { transition: { id: close?.id } });
    expect(jira.issue('BOARD-107')).toMatchObject({ status: 'Done', statusCategory: 'done' });
  });

  it('takes any workflow for a sample project, and refuses one for a project it does not have', async () => {
    jira = await startFakeJira({
      projects: [{ key: 'BOARD', name: 'Board server', workflow: SOFTWARE_WORKFLOW }],
      workflows: { BOARD: CLASSIC_WORKFLOW },
      issues: [{ key: 'BOARD-1', summary: 'x' }],
    });
    expect(names(await client(jira).listTransitions('BOARD-1'))).toEqual(['Start Progress', 'Close Issue']);

    await expect(startFakeJira({ workflows: { NOPE: CLASSIC_WORKFLOW } })).rejects.toThrow(/unknown projects NOPE/);
    expect(() => renameTransition(SOFTWARE_WORKFLOW, 'Finish', 'Close')).toThrow(/no transition Finish/);
  });
});
