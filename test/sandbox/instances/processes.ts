import { readFileSync } from 'node:fs';

export const STAND_IN = new URL('./stand-in-server.ts', import.meta.url).pathname;

/** Gone, or a zombie waiting for whoever adopted it to reap it: either way no longer running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
