import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stopChild } from './stop-child.js';

const REPORT_TIMEOUT_MS = 60_000;

export interface ReportingChild<R> {
  report: R;
  /** SIGTERM, then SIGKILL if it has not exited in 10 s. */
  stop(): Promise<void>;
}

/**
 * Runs a bench script in its own Node process, as the product runs in production, and waits for
 * the one JSON line it prints once it is ready. The process keeps running until `stop()`.
 */
export async function startReportingChild<R>(script: URL, env: Record<string, string>, parse: (line: unknown) => R): Promise<ReportingChild<R>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script.pathname], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit');
  const report = await new Promise<R>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${script.pathname.split('/').at(-1)} ${why}: ${err.slice(0, 500)}`));
    };
    const timer = setTimeout(() => fail(`did not report within ${REPORT_TIMEOUT_MS / 1000} s`), REPORT_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      try {
        resolve(parse(JSON.parse(line)));
      } catch (error) {
        fail(`reported something unexpected (${(error as Error).message})`);
      }
    });
    void exited.then(([code]) => fail(`exited with ${code} before reporting`));
  });
  return {
    report,
    stop: () => stopChild(child, exited),
  };
}
