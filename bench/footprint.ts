import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const report = z.object({ startupMs: z.number(), startBotMs: z.number(), rssMb: z.number() });
export type Footprint = z.infer<typeof report>;

const TIMEOUT_MS = 60_000;

/** Starts bench/footprint-bot.ts with the given bot environment (its own port and data dir) and reads its one-line report. */
export async function measureFootprint(botEnv: Readonly<Record<string, string>>): Promise<Footprint> {
  const dataDir = await mkdtemp(join(tmpdir(), 'release-bot-footprint-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./footprint-bot.ts', import.meta.url).pathname], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...botEnv, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the bot did not report its footprint within ${TIMEOUT_MS / 1000} s: ${err.slice(0, 500)}`));
      }, TIMEOUT_MS);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    if (code !== 0) throw new Error(`the footprint child exited with ${code}: ${err.slice(0, 500)}`);
    return report.parse(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
