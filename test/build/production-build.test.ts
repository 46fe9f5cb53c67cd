import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { builtinModules } from 'node:module';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProduction } from '../../.ci/build.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { freePort } from '../../src/util/free-port.js';
import { startWorld, USERS, waitFor, type World } from '../support/world.js';
import { readDockerfile, type DockerStage } from './dockerfile.js';

const ROOT = new URL('../../', import.meta.url);
const run = promisify(execFile);
const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);

describe('the production build', () => {
  let out: string;
  let metafile: Metafile;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'release-bot-build-'));
    metafile = await buildProduction(out);
  }, 120_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('holds the bot and its pre-flight CLI, and not one file of the sandbox', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('src/main.ts');
    expect(inputs).toContain('src/bot.ts');
    expect(inputs).toContain('src/preflight/main.ts');
    expect(inputs.filter((file) => file.startsWith('src/sandbox/'))).toEqual([]);
    expect(Object.keys(metafile.outputs).filter((file) => file.endsWith('.js')).map((file) => relative(out, resolve(file))).sort()).toEqual(['main.js', 'preflight/main.js']);
  });

  it('needs at run time only Node itself and production dependencies', () => {
    const imported = new Set(Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageOf(i.path))));
    expect(imported.size).toBeGreaterThan(3);
    for (const name of imported) expect(Object.keys(pkg.dependencies), `${name} is imported at run time`).toContain(name);
    const bundled = new Set(Object.keys(metafile.inputs).flatMap((file) => (file.startsWith('node_modules/') ? [packageOf(file.slice('node_modules/'.length))] : [])));
    expect(bundled).toContain('@aws-sdk/client-ec2');
    for (const name of Object.keys(pkg.devDependencies)) expect(bundled, `${name} (a devDependency) is bundled`).not.toContain(name);
    // jira-client's own HTTP stack stays out: the bot always gives it its own transport.
    expect([...bundled]).not.toContain('postman-request');
  });
});

/**
 * The Dockerfile's steps, run as CI runs them: `npm run build` here, its production-dependencies
 * stage's install in an empty directory, then its command with its environment against the test
 * fakes. Two minutes, most of it compiling sqlite3, so outside CI it runs only when asked.
 */
const slim = process.env.CI === 'true' || process.env.SLIM_INSTALL === '1';
if (!slim) {
  process.stderr.write('\n*** SKIPPED: the slim install test (npm ci --omit=dev, then node dist/main.js). It runs under CI=true; SLIM_INSTALL=1 runs it here. ***\n\n');
}

describe.skipIf(!slim)('the Dockerfile: build, slim install, run', () => {
  let stages: DockerStage[];
  let app: string;
  let world: World;

  beforeAll(async () => {
    stages = await readDockerfile(new URL('Dockerfile', ROOT));
    const build = stages.find((s) => s.runs.includes('npm run build'));
    const install = stages.find((s) => s.runs.some((r) => r.startsWith('npm ci --omit=dev')));
    if (!build || !install) throw new Error('the Dockerfile must have a stage that runs `npm run build` and one that runs `npm ci --omit=dev`');
    await run('npm', ['run', 'build'], { cwd: ROOT.pathname, timeout: 180_000 });
    app = await mkdtemp(join(tmpdir(), 'release-bot-slim-'));
    for (const file of ['package.json', 'package-lock.json']) await cp(new URL(file, ROOT), join(app, file));
    for (const command of install.runs) await run('sh', ['-c', command], { cwd: app, timeout: 600_000, maxBuffer: 16 * 2 ** 20 });
    await cp(new URL('dist', ROOT), join(app, 'dist'), { recursive: true });
    world = await startWorld();
  }, 900_000);

  afterAll(async () => {
    await world?.close();
    if (app) await rm(app, { recursive: true, force: true });
  });

  const final = () => stages.at(-1) as DockerStage;
  const command = () => JSON.parse(final().instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[];

  it('is multi-stage, runs unprivileged, keeps DATA_DIR on a volume and checks /healthz', () => {
    expect(stages.length).toBeGreaterThan(1);
    const instructions = final().instructions;
    const user = instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(instructions.find((i) => i.keyword === 'VOLUME')?.args).toContain(final().env.DATA_DIR);
    expect(instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('/healthz');
    expect(final().env.NODE_ENV).toBe('production');
  });

  it('installs nothing that only development needs', async () => {
    const lock = JSON.parse(await readFile(new URL('package-lock.json', ROOT), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true);
    expect(devOnly.map(([path]) => path)).toEqual(expect.arrayContaining(['node_modules/tsx', 'node_modules/esbuild', 'node_modules/vitest']));
    for (const [path] of devOnly) {
      const present = await stat(join(app, path)).then(
        () => true,
        () => false,
      );
      expect(present, `${path} is installed`).toBe(false);
    }
  });

  /** The image's command, with the image's environment and the given one, in the slim install. */
  function start(env: Record<string, string>) {
    const [program, ...args] = command();
    const child = spawn(program === 'node' ? process.execPath : program, args, {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...final().env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    return { child, log: () => log, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
  }

  it('refuses to start without its Slack token, and never starts a sandbox', async () => {
    const bot = start({ SLACK_SIGNING_SECRET: 'a-secret-without-its-token' });
    const [code] = await bot.exited;
    expect(code).toBe(1);
    expect(bot.log()).toContain('needs SLACK_BOT_TOKEN');
    expect(bot.log()).not.toContain('sandbox ready');
  });

  it('runs a pre-release against the fakes, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const bot = start({ ...world.env, PORT: String(port), DATA_DIR: join(world.dir, 'slim-data'), SERVICES_FILE: world.env.SERVICES_FILE });
    try {
      const health = await waitFor(
        async () => {
          if (bot.child.exitCode !== null) throw new Error(`dist/main.js exited with ${bot.child.exitCode}:\n${bot.log()}`);
          const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
          return response?.ok ? ((await response.json()) as Record<string, unknown>) : null;
        },
        30_000,
        '/healthz of the slim install',
      );
      expect(health.ok).toBe(true);
      const response = await world.command(USERS.deployer, 'board 1.1.0', '/prerelease', { url: `http://127.0.0.1:${port}/slack/events` });
      expect(response.status).toBe(200);
      await waitFor(() => world.parents().find((p) => JSON.stringify(p.blocks ?? []).includes(PRERELEASE_ACTIONS.approve)), 60_000, 'the canary to soak, launched by the slim install');
      expect(world.emulator.requests.calls('RunInstances')).toHaveLength(1);
    } finally {
      bot.child.kill('SIGTERM');
    }
    const [code] = await bot.exited;
    expect(code, bot.log()).toBe(0);
  });

  it('runs the pre-flight CLI from the build', async () => {
    const { stdout } = await run(process.execPath, ['dist/preflight/main.js', 'board'], { cwd: app, env: { PATH: process.env.PATH ?? '', ...final().env, ...world.env } }).catch(
      (error: { stdout: string; code: number }) => ({ stdout: error.stdout }),
    );
    expect(stdout).toMatch(/Credentials/);
    expect(stdout).toMatch(/Launching/);
  });
});
