import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DependencyError } from '../../deploy/ports.js';
import { GitError, type RunGit } from './run-git.js';

export interface RepositoriesOptions {
  /** Where mirrors of remote repositories are kept. */
  cacheDir: string;
  run: RunGit;
  /** For reading a repository. */
  timeoutMs: number;
  /** For cloning and fetching, which move data over the network. */
  fetchTimeoutMs: number;
}

/** A repository ready to read, with the asked revisions resolved to full commit ids. */
export interface OpenRepository {
  git(args: string[]): Promise<string>;
  commits: string[];
}

/** Tag names and (abbreviated) commit ids; anything else could be read by git as an option or a range. */
const REVISION = /^[0-9A-Za-z][0-9A-Za-z._/-]*$/;

/**
 * The catalog's `changelog.repo` is a local path (read in place) or a URL (kept as a bare mirror
 * under cacheDir, cloned on first use and fetched only when a commit is missing, since commits
 * never change once there).
 */
export function createRepositories(options: RepositoriesOptions) {
  const busy = new Map<string, Promise<unknown>>();

  /** One clone or fetch at a time per mirror, so concurrent deploys do not trip over each other. */
  const exclusively = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = busy.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    busy.set(key, current.catch(() => undefined));
    return current;
  };

  return {
    async open(repo: string, revisions: string[], context: string): Promise<OpenRepository> {
      const shown = displayRepo(repo);
      for (const revision of revisions) {
        if (!REVISION.test(revision) || revision.includes('..')) {
          throw new DependencyError('git', `${JSON.stringify(revision)} is not a commit id or tag name (${context})`, undefined, 'InvalidRevision');
        }
      }
      const fail = (doing: string, timeoutMs: number) => (error: unknown): never => {
        throw gitFailure(error, { doing, repo, shown, context, timeoutMs });
      };

      if (!isRemote(repo)) {
        const path = resolve(repo);
        // Without a ceiling, a path that is not a repository would be read as the repository around it.
        const env = { GIT_CEILING_DIRECTORIES: dirname(path) };
        const read = (args: string[]) => options.run(['-C', path, ...args], { env, timeoutMs: options.timeoutMs });
        const commits = await resolveAll(read, revisions).catch(fail('reading', options.timeoutMs));
        return { git: (args) => read(args).catch(fail('reading', options.timeoutMs)), commits: known(commits, revisions, shown, context) };
      }

      const mirror = join(options.cacheDir, mirrorName(repo));
      const read = (args: string[]) => options.run([`--git-dir=${mirror}`, ...args], { timeoutMs: options.timeoutMs });
      const commits = await exclusively(mirror, async () => {
        if (!(await exists(mirror))) await clone(repo, mirror).catch(fail('cloning', options.fetchTimeoutMs));
        const found = await resolveAll(read, revisions).catch(fail('reading the mirror of', options.timeoutMs));
        if (found.every((c) => c !== null)) return found;
        await options
          .run([`--git-dir=${mirror}`, 'fetch', '--prune', '--quiet'], { timeoutMs: options.fetchTimeoutMs })
          .catch(fail('fetching', options.fetchTimeoutMs));
        return resolveAll(read, revisions).catch(fail('reading the mirror of', options.timeoutMs));
      });
      return {
        git: (args) => read(args).catch(fail('reading the mirror of', options.timeoutMs)),
        commits: known(commits, revisions, `${shown} (even after fetching)`, context),
      };
    },
  };

  async function clone(url: string, mirror: string): Promise<void> {
    await mkdir(options.cacheDir, { recursive: true });
    // Cloned beside its final place and renamed, so a crash never leaves a half mirror behind.
    const partial = `${mirror}.partial-${randomBytes(4).toString('hex')}`;
    try {
      await options.run(['clone', '--mirror', '--quiet', '--', url, partial], { timeoutMs: options.fetchTimeoutMs });
      await rename(partial, mirror);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
}

/** Full commit ids, null for revisions the repository does not have; other failures reject with a GitError. */
async function resolveAll(read: (args: string[]) => Promise<string>, revisions: string[]): Promise<(string | null)[]> {
  return Promise.all(
    revisions.map((revision) =>
      read(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]).then(
        (out) => out.trim(),
        (error: unknown) => {
          // --quiet makes "no such commit" an exit code 1 with nothing on stderr.
          if (error instanceof GitError && error.exitCode === 1) return null;
          throw error;
        },
      ),
    ),
  );
}

function known(commits: (string | null)[], revisions: string[], where: string, context: string): string[] {
  const missing = revisions.filter((_, i) => commits[i] === null);
  if (missing.length > 0) {
    const which = missing.map((m) => `commit ${m}`).join(' and ');
    throw new DependencyError('git', `${which} ${missing.length > 1 ? 'are' : 'is'} not in ${where} (${context})`, undefined, 'UnknownCommit');
  }
  return commits as string[];
}

interface FailureContext {
  doing: string;
  repo: string;
  shown: string;
  context: string;
  timeoutMs: number;
}

function gitFailure(error: unknown, at: FailureContext): unknown {
  if (!(error instanceof GitError)) return error;
  const what = `${at.doing} ${at.shown} (${at.context})`;
  let message: string;
  let code: string;
  if (error.notInstalled) {
    message = `git is not installed (or not on PATH), needed for ${what}`;
    code = 'GitMissing';
  } else if (error.timedOut) {
    message = `git took longer than ${at.timeoutMs / 1000}s ${what}`;
    code = 'Timeout';
  } else if (/not a git repository|cannot change to/i.test(error.stderr)) {
    message = `${at.shown} is not a git repository; check changelog.repo (${at.context})`;
    code = 'NotARepository';
  } else {
    const said = error.stderr.trim().split('\n').at(-1) ?? '';
    message = `git failed ${what}${said ? `: ${said}` : ` (exit code ${error.exitCode})`}`;
    code = 'GitFailed';
  }
  return new DependencyError('git', message.split(at.repo).join(at.shown), undefined, code);
}

function isRemote(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/\s]+@[^/\s]+:/.test(repo);
}

/** Credentials in a URL (https://user:token@host/...) never reach a message. */
function displayRepo(repo: string): string {
  try {
    const url = new URL(repo);
    if (!url.username && !url.password) return repo;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return repo;
  }
}

function mirrorName(url: string): string {
  const base = (url.split(/[/:]/).filter(Boolean).at(-1) ?? 'repo').replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return `${base}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}.git`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
