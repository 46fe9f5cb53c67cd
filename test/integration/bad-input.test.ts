import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { fastRelease, startWorld, USERS, waitFor, type World } from '../support/world.js';

const USAGE_PRERELEASE = /\/prerelease <service> <version>/;
const USAGE_RELEASE = /\/release <service> \[version\]/;
/** Anything a user typed that Slack would turn into a mention, a link or a broadcast. */
const LIVE_MARKUP = /<!channel>|<!here>|<!everyone>|<@U|<https?:/;

type Case = [text: string, problem: RegExp, valid: RegExp];

const PRERELEASE: Case[] = [
  ['boards 1.1.0', /no service called `boards`/, /Known services: board/],
  ['board', /version is missing after `board`/, USAGE_PRERELEASE],
  ['board 1.1', /`1\.1` is not a version/, /MAJOR\.MINOR\.PATCH/],
  ['board 1.1.0-', /`1\.1\.0-` is not a version/, /\/prerelease board 1\.42\.0/],
  ['board ../1.0', /characters a service name or version never has/, USAGE_PRERELEASE],
  ['board 1.1.0 now', /Unexpected extra words: `now`/, USAGE_PRERELEASE],
  ['board 1.1.0 --force', /`\/prerelease` has no options/, USAGE_PRERELEASE],
  [`board 1.${'1'.repeat(80)}.0`, /longer than 64 characters/, USAGE_PRERELEASE],
  [`board 1.1.0 ${'again '.repeat(700)}`, /Unexpected extra words: `again again again …` \(700 words\)/, USAGE_PRERELEASE],
  ['<!channel> 1.1.0', /characters a service name or version never has/, USAGE_PRERELEASE],
  ['board <@U123>', /characters/, USAGE_PRERELEASE],
  ['*board* 1.1.0', /characters/, USAGE_PRERELEASE],
  ['board `1.1.0`', /characters/, USAGE_PRERELEASE],
  ["board 1.1.0'; DROP TABLE deploys;", /characters/, USAGE_PRERELEASE],
  ['board $(rm -rf /)', /characters/, USAGE_PRERELEASE],
  ['board 1.1.0\n<!here>', /characters/, USAGE_PRERELEASE],
  ['b\u043eard 1.1.0', /characters/, /letters, digits and dashes/],
  ['board \uff11.\uff11.\uff10', /characters/, /versions look like 1\.42\.0/],
  ['board 1.1.0\u200b', /characters/, USAGE_PRERELEASE],
  ['board 1.1.0+build.7', /No AMI of board is tagged `releaseVersion=1\.1\.0\+build\.7`/, /Newest available versions: 1\.2\.0, 1\.1\.0, 1\.0\.0/],
];

const RELEASE: Case[] = [
  ['boards', /no service called `boards`/, /Known services: board/],
  ['board 1.1', /`1\.1` is not a version/, /\/release board 1\.42\.0/],
  ['board 1.1.0- --reason hotfix', /`1\.1\.0-` is not a version/, /\/release board 1\.42\.0/],
  ['board ../1.0', /characters/, USAGE_RELEASE],
  ['board 1.1.0 now', /Unexpected extra words: `now`\. A reason goes after `--reason`/, USAGE_RELEASE],
  ['board --force', /That option does not exist: `--force`/, /--reason <why>.*--override-window/],
  ['board 1.1.0 --reason', /at least 3 characters/, USAGE_RELEASE],
  ['board 1.1.0 --reason x\n\u0007', /at least 3 characters/, USAGE_RELEASE],
  [`board 1.1.0 --reason ${'x'.repeat(600)}`, /longer than 500 characters/, USAGE_RELEASE],
  ['board 9.9.9 --reason hotfix', /No AMI of board is tagged `releaseVersion=9\.9\.9`/, /Newest available versions: 1\.2\.0, 1\.1\.0, 1\.0\.0/],
  ['board v1.1.0', /board 1\.1\.0 has no approved pre-release/, /--reason <why>/],
  ['history', /Name the service whose history you want/, USAGE_RELEASE],
  ['history boards', /no service called `boards`/, /Known services: board/],
  ['status boards', /no service called `boards`/, /Known services: board/],
  ['status board now', /Unexpected extra words: `now`/, USAGE_RELEASE],
  ['--override-window --reason because', /Name the service to release/, USAGE_RELEASE],
  ['<@U123> 1.0.0', /characters/, USAGE_RELEASE],
  ['board 1.1.0 <!channel>', /characters/, USAGE_RELEASE],
  ["board 1.1.0 --override-window; DROP TABLE deploys; --", /That option does not exist\./, USAGE_RELEASE],
];

describe('bad slash commands through the real bot: a private answer, and nothing changes', () => {
  let world: World;
  let store: Awaited<ReturnType<typeof openStore>>;

  beforeAll(async () => {
    world = await startWorld({ catalog: fastRelease, boards: { initialBoards: 10 } });
    await world.startInProcess();
    store = await openStore({ file: join(world.env.DATA_DIR, 'release-bot.sqlite') });
  });

  afterAll(async () => {
    await store.close();
    await world.close();
  });

  /** What a command could have changed: AWS, the store, Slack channels, Jira. */
  async function snapshot() {
    return {
      awsChanges: world.emulator.requests.all().filter((r) => !r.action.startsWith('Describe')).length,
      deploys: (await store.listDeploys({ limit: 1000 })).length,
      audit: (await store.audit({ limit: 10_000 })).length,
      lock: await store.getLock('board'),
      messages: world.parents().length + world.slack.workspace.messages('C0RELEASE1').length,
      jiraChanges: world.jira.requests.filter((r) => r.method !== 'GET').length,
    };
  }

  async function answerTo(user: string, text: string, command: string): Promise<{ text: string; blocks: string }> {
    const before = world.slack.workspace.ephemerals(user).length;
    const res = await world.command(user, text, command);
    expect(res.status).toBe(200);
    const answer = await waitFor(() => world.slack.workspace.ephemerals(user)[before], 10_000, `the answer to ${command} ${text.slice(0, 40)}`);
    return { text: answer.text, blocks: JSON.stringify(answer.blocks ?? []) };
  }

  it.each([
    ...PRERELEASE.map(([text, problem, valid]) => ['/prerelease', text, USERS.deployer, problem, valid] as const),
    ...RELEASE.map(([text, problem, valid]) => ['/release', text, USERS.approver, problem, valid] as const),
  ])('%s %j', async (command, text, user, problem, valid) => {
    const before = await snapshot();
    const answer = await answerTo(user, text, command);
    expect(answer.blocks).toMatch(new RegExp(`What was wrong:\\*[^"]*${problem.source}`));
    expect(answer.blocks).toMatch(new RegExp(`What would be valid:\\*[^"]*${valid.source}`));
    expect(answer.blocks).toContain('Nothing was changed.');
    expect(`${answer.text}${answer.blocks}`).not.toMatch(LIVE_MARKUP);
    expect(answer.text.length).toBeLessThanOrEqual(3000);
    expect(await snapshot()).toEqual(before);
  });
});
