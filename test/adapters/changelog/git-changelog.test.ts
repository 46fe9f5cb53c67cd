import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitChangelog } from '../../../src/adapters/changelog/git-changelog.js';
import { execGit, GitError, type RunGit } from '../../../src/adapters/changelog/run-git.js';
import type { ServiceConfig } from '../../../src/config/catalog.js';
import { createSampleRepo } from '../../../src/sandbox/git/sample-repo.js';
import { serviceWith } from '../../support/catalog.js';
import { dependencyFailure } from '../../support/failure.js';

let tmp: string;
let repo: string;
let shas: Record<string, string>;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'changelog-'));
  repo = join(tmp, 'board.git');
  shas = await createSampleRepo(repo);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const JIRA = { projects: ['BOARD'], doneTransition: 'Done', fixVersion: 'board-{version}' };

function service(changelog: { repo: string; maxCommits?: number }, jira: ServiceConfig['jira'] | null = JIRA): ServiceConfig {
  return serviceWith({ changelog: { maxCommits: 500, ...changelog }, jira: jira ?? undefined });
}

const changelog = (options: { runGit?: RunGit; cacheDir?: string } = {}) => createGitChangelog({ cacheDir: options.cacheDir ?? join(tmp, 'cache'), runGit: options.runGit });

const failure = (promise: Promise<unknown>) => dependencyFailure(promise, 'git');

describe('git changelog of a local repository', () => {
  it('lists the commits between two versions, newest first, with author, date and Jira keys', async () => {
    const { entries, omitted } = await changelog().between(service({ repo }), shas['1.0.0'], shas['1.1.0']);

    expect(omitted).toBe(0);
    expect(entries.map((e) => e.subject)).toEqual([
      'OPS-7 Log how long a drain takes',
      'BOARD-110 Throttle cursor broadcasts to 20 per second',
      'BOARD-108 Fix lost edits when two users move the same shape',
      'BOARD-107 Show who is editing a sticky note',
    ]);
    expect(entries[0]).toEqual({ sha: shas['1.1.0'], subject: 'OPS-7 Log how long a drain takes', author: 'Priya Natarajan', date: '2025-03-04T16:00:00+00:00', issueKeys: [] });
    expect(entries[2].issueKeys).toEqual(['BOARD-108', 'BOARD-95']);
    expect(entries[2].author).toBe('Tomás Ferreira');
  });

  it('keeps keys of every project when the service names no Jira projects', async () => {
    const { entries } = await changelog().between(service({ repo }, null), shas['1.0.0'], shas['1.1.0']);

    expect(entries[0].issueKeys).toEqual(['OPS-7']);
  });

  it('accepts release tags as well as commit ids', async () => {
    const byTag = await changelog().between(service({ repo }), 'v1.1.0', 'v1.2.0');
    const bySha = await changelog().between(service({ repo }), shas['1.1.0'], shas['1.2.0']);

    expect(byTag).toEqual(bySha);
    expect(byTag.entries).toHaveLength(4);
  });

  it('stops at maxCommits and counts the commits it left out', async () => {
    const { entries, omitted } = await changelog().between(service({ repo, maxCommits: 3 }), shas['1.0.0'], shas['1.2.0']);

    expect(entries.map((e) => e.issueKeys[0])).toEqual(['BOARD-118', undefined, 'BOARD-115']);
    expect(omitted).toBe(5);
  });

  it('reads the bounded history of the version when there is no previous one', async () => {
    const { entries, omitted } = await changelog().between(service({ repo, maxCommits: 5 }), undefined, shas['1.1.0']);

    expect(entries).toHaveLength(5);
    expect(entries[0].sha).toBe(shas['1.1.0']);
    expect(omitted).toBe(3);
  });

  it('names the commit it cannot find', async () => {
    const error = await failure(changelog().between(service({ repo }), 'deadbeefcafe', shas['1.2.0']));

    expect(error.code).toBe('UnknownCommit');
    expect(error.message).toContain('commit deadbeefcafe');
    expect(error.message).toContain(repo);
    expect(error.message).not.toContain(shas['1.2.0']);
  });

  it('refuses a revision git could read as an option or a range', async () => {
    const option = await failure(changelog().between(service({ repo }), '--output=/tmp/x', shas['1.2.0']));
    const range = await failure(changelog().between(service({ repo }), undefined, `${shas['1.0.0']}..${shas['1.2.0']}`));

    expect(option.code).toBe('InvalidRevision');
    expect(range.code).toBe('InvalidRevision');
  });

  it('does not mistake a folder inside a repository for the repository', async () => {
    const error = await failure(changelog().between(service({ repo: join(repo, 'refs') }), undefined, shas['1.2.0']));

    expect(error.code).toBe('NotARepository');
  });

  it('says when git takes too long', async () => {
    const slowGit: RunGit = async () => {
      throw new GitError(null, '', true, false);
    };

    const error = await failure(changelog({ runGit: slowGit }).between(service({ repo }), undefined, shas['1.2.0']));

    expect(error.code).toBe('Timeout');
    expect(error.message).toContain('30s');
  });

  it('says so when the service has no changelog settings', async () => {
    const error = await failure(changelog().between(serviceWith({ changelog: undefined }), undefined, shas['1.2.0']));

    expect(error.code).toBe('NotConfigured');
  });
});

describe('git changelog of a remote repository', () => {
  it('keeps a mirror, cloned once and fetched only when a commit is missing', async () => {
    const origin = join(tmp, 'origin.git');
    const first = await createSampleRepo(origin, ['1.0.0', '1.1.0']);
    const cacheDir = join(tmp, 'mirrors');
    const calls: string[] = [];
    const countingGit: RunGit = (args, options) => {
      calls.push(args.find((a) => !a.startsWith('-')) ?? '');
      return execGit(args, options);
    };
    const log = changelog({ runGit: countingGit, cacheDir });
    const remote = service({ repo: pathToFileURL(origin).href });

    const before = await log.between(remote, first['1.0.0'], first['1.1.0']);
    await log.between(remote, first['1.0.0'], first['1.1.0']);
    const later = await createSampleRepo(origin, ['1.2.0']);
    const after = await log.between(remote, first['1.1.0'], later['1.2.0']);

    expect(before.entries).toHaveLength(4);
    expect(after.entries.map((e) => e.issueKeys[0])).toEqual(['BOARD-118', undefined, 'BOARD-115', 'BOARD-112']);
    expect(calls.filter((c) => c === 'clone' || c === 'fetch')).toEqual(['clone', 'fetch']);
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.git'))).toEqual([expect.stringMatching(/^origin-[0-9a-f]{12}\.git$/)]);
  });

  it('names a commit the remote does not have, even after fetching', async () => {
    const error = await failure(changelog().between(service({ repo: pathToFileURL(repo).href }), 'v1.0.0', 'abc1234'));

    expect(error.code).toBe('UnknownCommit');
    expect(error.message).toMatch(/commit abc1234 is not in .* \(even after fetching\)/);
  });

  it('keeps credentials in a repository URL out of its messages', async () => {
    const error = await failure(changelog().between(service({ repo: 'http://release-bot:s3cr3t-token@127.0.0.1:1/board.git' }), undefined, 'v1.2.0'));

    expect(error.code).toBe('GitFailed');
    expect(error.message).toContain('http://127.0.0.1:1/board.git');
    expect(error.message).not.toContain('s3cr3t-token');
  });
});
