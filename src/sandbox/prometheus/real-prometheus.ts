import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../util/free-port.js';
import type { TargetGroup } from './targets.js';

/** The real `prometheus` (Debian package `prometheus`): /usr/bin/prometheus or the first on PATH. */
export function findPrometheusBinary(): string | null {
  const candidates = ['/usr/bin/prometheus', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'prometheus'))];
  return candidates.find(isExecutable) ?? null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RealPrometheus {
  url: string;
  /** Replaces the file_sd targets of the `job` (written atomically: Prometheus watches the file). */
  writeTargets(groups: TargetGroup[]): Promise<void>;
  /** Its log so far, for failure messages. */
  log(): string;
  /** Stops the process, waits for it to exit and removes its files. */
  stop(): Promise<void>;
}

export interface RealPrometheusOptions {
  binary: string;
  jobName: string;
  scrapeInterval?: string;
  readyTimeoutMs?: number;
}

/**
 * Runs Prometheus from the command line, unprivileged, on a free 127.0.0.1 port with its config,
 * targets file and TSDB in a temp dir, and resolves once `/-/ready` answers. It never touches a
 * system Prometheus or its port.
 */
export async function startPrometheus(options: RealPrometheusOptions): Promise<RealPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'release-bot-prometheus-'));
  const targetsFile = join(dir, 'targets.json');
  // One write at a time, in call order: concurrent writes would share the temp file, fail each
  // other's rename and could leave an older target list in place.
  let queue: Promise<unknown> = Promise.resolve();
  const writeTargets = (groups: TargetGroup[]): Promise<void> => {
    const write = queue.then(async () => {
      await writeFile(`${targetsFile}.tmp`, JSON.stringify(groups));
      await rename(`${targetsFile}.tmp`, targetsFile);
    });
    queue = write.catch(() => undefined);
    return write;
  };
  await writeTargets([]);
  const interval = options.scrapeInterval ?? '1s';
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: interval, scrape_timeout: interval },
      scrape_configs: [{ job_name: options.jobName, file_sd_configs: [{ files: [targetsFile] }] }],
    }),
  );

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    options.binary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(chunk.toString('utf8'));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => output.join('').split('\n').slice(-40).join('\n');

  const stop = async () => {
    await stopProcess(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await untilReady(url, exited, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; its log:\n${log()}`);
  }
  return { url, writeTargets, log, stop };
}

async function untilReady(url: string, exited: Promise<void>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error('prometheus exited before it was ready');
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready at ${url} within ${timeoutMs / 1000}s`);
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}
