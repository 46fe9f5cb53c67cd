import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';
import type { InstanceLogEntry } from '../../../src/sandbox/instances/instance-process.js';
import { freePort } from '../../../src/util/free-port.js';
import { isRunning } from './processes.js';

const FIXTURE = new URL('./parent-fixture.ts', import.meta.url).pathname;

describe('instance processes when their parent ends', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('die with a parent stopped by %s, even ones that ignore SIGTERM', async (signal) => {
    const parent = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, FIXTURE_PORT: String(await freePort()) }, stdio: ['ignore', 'pipe', 'inherit'] });
    const entries: InstanceLogEntry[] = [];
    createInterface({ input: parent.stdout }).on('line', (line) => entries.push(JSON.parse(line) as InstanceLogEntry));
    const exited = once(parent, 'exit');
    let pid: number | undefined;
    try {
      await vi.waitFor(() => expect(entries.some((e) => e.line.startsWith('listening on'))).toBe(true), { timeout: 20_000, interval: 20 });
      const child = Number(/^started pid (\d+)/.exec(entries.find((e) => e.stream === 'manager')!.line)![1]);
      pid = child;
      expect(isRunning(child)).toBe(true);

      parent.kill(signal);
      const [code] = await exited;
      await vi.waitFor(() => expect(isRunning(child)).toBe(false), { timeout: 5_000, interval: 20 });
      expect(code).toBe(128 + { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal]);
    } finally {
      parent.kill('SIGKILL');
      // Should the guard fail, the orphan must not outlive the test run.
      if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
