import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const START_TIMEOUT_MS = 15_000;

export interface BoardProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  /** Exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Runs `src/sandbox/board/main.ts` as its own process, as the sandbox runs each instance, and waits until it listens. */
export async function spawnBoardProcess(env: Record<string, string>): Promise<BoardProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/board/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const listening = new Promise<{ url: string; ws: string }>((resolve, reject) => {
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string; ws?: string };
      if (entry.msg === 'board server listening') resolve({ url: entry.url!, ws: entry.ws! });
    });
    void exited.then((code) => reject(new Error(`board server exited (${code}) before listening: ${stderr}`)));
  });
  // A process that never says it listens must not outlive the test.
  const startTimeout = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  const { url, ws } = await listening.finally(() => clearTimeout(startTimeout));
  return { child, url, wsUrl: ws, exited };
}

/** Collects what a process writes to stderr until it exits. */
export async function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/board/main.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}
