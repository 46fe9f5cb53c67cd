import { access } from 'node:fs/promises';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { execGit, GitError } from '../../adapters/changelog/run-git.js';
import { genericVersion, SAMPLE_HISTORY, type SampleCommit, type SampleVersion } from './sample-history.js';

const FIRST_COMMIT_AT = Date.parse('2025-03-03T09:00:00Z') / 1000;
const HOUR = 3600;
// The user's git configuration (signing, hooks, default branch) must not change the sample.
const ISOLATED = { GIT_CONFIG_GLOBAL: devNull, GIT_CONFIG_NOSYSTEM: '1' };

/**
 * Builds (or extends) a bare repository at `dir` with a few commits per version, each version's
 * last commit tagged `v<version>`. Versions named by string take their commits from the sample
 * history. Dates are fixed, so the same input gives the same commit ids. Returns the tagged commit
 * of each version (what an AMI's commit tag would hold).
 */
export async function createSampleRepo(dir: string, versions: readonly (string | SampleVersion)[] = ['1.0.0', '1.1.0', '1.2.0']): Promise<Record<string, string>> {
  const git = (args: string[], extra: { env?: Record<string, string>; input?: string } = {}) =>
    execGit([`--git-dir=${dir}`, ...args], { env: { ...ISOLATED, ...extra.env }, input: extra.input, timeoutMs: 30_000 }).then((out) => out.trim());

  if (!(await isRepository(dir))) await execGit(['init', '--bare', '--quiet', '--initial-branch=main', dir], { env: ISOLATED, timeoutMs: 30_000 });

  let parent = await git(['rev-parse', '--verify', '--quiet', 'refs/heads/main']).catch(noCommit);
  let notes = parent ? `${await git(['cat-file', 'blob', 'main:NOTES.md'])}\n` : '# Board server changes\n';
  let time = parent ? Number(await git(['log', '-1', '--format=%ct', 'main'])) + HOUR : FIRST_COMMIT_AT;

  const tagged: Record<string, string> = {};
  for (const [index, entry] of versions.entries()) {
    const version = typeof entry === 'string' ? (SAMPLE_HISTORY.find((v) => v.version === entry) ?? genericVersion(entry, index)) : entry;
    for (const commit of version.commits) {
      notes += `- ${commit.subject}\n`;
      const notesBlob = await git(['hash-object', '-w', '--stdin'], { input: notes });
      const versionBlob = await git(['hash-object', '-w', '--stdin'], { input: `${version.version}\n` });
      const tree = await git(['mktree'], { input: `100644 blob ${notesBlob}\tNOTES.md\n100644 blob ${versionBlob}\tVERSION\n` });
      const message = ['-m', commit.subject, ...(commit.body ? ['-m', commit.body] : [])];
      parent = await git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), ...message], { env: identity(commit, time) });
      time += HOUR;
    }
    if (!parent) throw new Error(`version ${version.version} has no commits`);
    await git(['update-ref', 'refs/heads/main', parent]);
    await git(['tag', '-a', `v${version.version}`, '-m', `Release ${version.version}`, parent], { env: identity(version.commits.at(-1) as SampleCommit, time) });
    tagged[version.version] = parent;
    // Releases are days apart, commits within one hours apart.
    time += 24 * HOUR;
  }
  return tagged;
}

function identity(commit: SampleCommit, time: number): Record<string, string> {
  const [, name, email] = /^(.*) <(.*)>$/.exec(commit.author) ?? [commit.author, commit.author, 'dev@boards.example'];
  const date = `${time} +0000`;
  return {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_COMMITTER_DATE: date,
  };
}

function noCommit(error: unknown): string {
  // rev-parse --verify --quiet exits 1 when the branch has no commit yet.
  if (error instanceof GitError && error.exitCode === 1) return '';
  throw error;
}

async function isRepository(dir: string): Promise<boolean> {
  return access(join(dir, 'HEAD')).then(
    () => true,
    () => false,
  );
}
