import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { freePort } from '../src/util/free-port.js';
import { stopChild } from './stop-child.js';

const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 10;

export interface BuiltBot {
  port: number;
  pid: number;
  /** From spawning the process until `/healthz` first answered 200. */
  readyMs: number;
  /** Resident set size of the process now, from the kernel (`VmRSS`), not from inside Node. */
  rssMb(): Promise<number>;
  log(): string;
  /** SIGTERM, then SIGKILL if it has not exited in 10 s. */
  stop(): Promise<void>;
}

/**
 * Runs the built artifact exactly as production does (`node dist/main.js`, configured only by its
 * environment) and waits for `/healthz` to answer 200, polling often so that the readiness time
 * measured is the bot's and not the poll's.
 */
export async function startBuiltBot(root: URL, env: Record<string, string>, nodeArgs: string[] = []): Promise<BuiltBot> {
  const port = env.PORT && env.PORT !== '0' ? Number(env.PORT) : await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd: root.pathname,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = once(child, 'exit');
  let readyMs = -1;
  while (readyMs < 0) {
    if (child.exitCode !== null) throw new Error(`dist/main.js exited with ${child.exitCode} before /healthz answered:\n${log.slice(-2_000)}`);
    if (performance.now() - began > READY_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`dist/main.js did not answer /healthz within ${READY_TIMEOUT_MS / 1000} s:\n${log.slice(-2_000)}`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) readyMs = performance.now() - began;
    else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return {
    port,
    pid: child.pid as number,
    readyMs,
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
      return kb / 1024;
    },
    log: () => log,
    stop: () => stopChild(child, exited),
  };
}
