import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, type Changelog, type ChangelogEntry } from '../../deploy/ports.js';
import { LOG_FORMAT, parseLog } from './commit-log.js';
import { createRepositories } from './repository.js';
import { execGit, type RunGit } from './run-git.js';

export interface GitChangelogOptions {
  /** Where mirrors of remote repositories are kept between calls. */
  cacheDir: string;
  runGit?: RunGit;
  timeoutMs?: number;
  fetchTimeoutMs?: number;
}

/** The commits a deploy ships, read with git from the service's repository. */
export function createGitChangelog(options: GitChangelogOptions): Changelog {
  const repositories = createRepositories({
    cacheDir: options.cacheDir,
    run: options.runGit ?? execGit,
    timeoutMs: options.timeoutMs ?? 30_000,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 5 * 60_000,
  });

  return {
    async between(service: ServiceConfig, from: string | undefined, to: string): Promise<{ entries: ChangelogEntry[]; omitted: number }> {
      const settings = service.changelog;
      if (!settings) {
        throw new DependencyError('git', `service ${service.name} has no changelog settings in the catalog`, undefined, 'NotConfigured');
      }
      const context = `changelog of ${service.name}`;
      const repo = await repositories.open(settings.repo, from === undefined ? [to] : [from, to], context);
      const [fromSha, toSha] = from === undefined ? [undefined, repo.commits[0]] : repo.commits;
      const range = fromSha ? `${fromSha}..${toSha}` : toSha;

      const output = await repo.git(['log', '--no-color', '--no-show-signature', `--max-count=${settings.maxCommits}`, `--format=${LOG_FORMAT}`, range, '--']);
      const entries = parseLog(output, service.jira?.projects);
      if (entries.length < settings.maxCommits) return { entries, omitted: 0 };
      const total = Number((await repo.git(['rev-list', '--count', range, '--'])).trim());
      return { entries, omitted: Math.max(0, total - entries.length) };
    },
  };
}
