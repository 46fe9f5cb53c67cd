import { execFile } from 'node:child_process';

export interface GitRunOptions {
  /** Added to the bot's environment. */
  env?: Record<string, string>;
  /** Written to git's standard input. */
  input?: string;
  timeoutMs: number;
}

/** Runs git with these arguments and resolves with its standard output; rejects with a GitError. */
export type RunGit = (args: string[], options: GitRunOptions) => Promise<string>;

export class GitError extends Error {
  constructor(
    /** Exit code, or null when git did not run to the end (timeout, not installed). */
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut: boolean,
    readonly notInstalled: boolean,
  ) {
    super(timedOut ? 'git timed out' : notInstalled ? 'git is not installed' : `git exited with code ${exitCode}`);
    this.name = 'GitError';
  }
}

/** git without a shell; a credential prompt would hang the bot, so git is told never to ask. */
export const execGit: RunGit = (args, options) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
        timeout: options.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as { code?: unknown }).code;
        reject(new GitError(typeof code === 'number' ? code : null, stderr, error.killed === true, code === 'ENOENT'));
      },
    );
    // git may exit without reading its input (EPIPE); its exit code says what happened, not the pipe.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
