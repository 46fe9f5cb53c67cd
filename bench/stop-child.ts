import type { ChildProcess } from 'node:child_process';

const STOP_TIMEOUT_MS = 10_000;

/** SIGTERM, then SIGKILL if the process has not exited in 10 s; resolves once it is gone. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(killer);
}
