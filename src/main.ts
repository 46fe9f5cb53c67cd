import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { startBot } from './bot.js';
import { ConfigError, loadCatalog, parseEnv } from './config/load.js';
import { chooseMode } from './config/mode.js';

// `on`, not `once`: the listeners must stay while the shutdown runs, or a second part that also
// listens would think nobody handles the signal and exit before everything has stopped.
const stopSignal = () =>
  new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });

// A specifier the bundler cannot follow: the built artifact holds none of the sandbox, and
// production never loads a byte of it (test/build/module-graph.test.ts).
const SANDBOX_ENTRY = './sandbox/run/run-sandbox.js';

const refuse = (problems: string[]): number => {
  process.stderr.write(`The release bot did not start:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  return 1;
};

async function runSandbox(): Promise<number> {
  let entry: typeof import('./sandbox/run/run-sandbox.js');
  try {
    entry = (await import(SANDBOX_ENTRY)) as typeof entry;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes('run-sandbox')) throw error;
    return refuse(['no Slack configuration, and the built artifact does not contain the sandbox: run `npm start` (or `npm run sandbox`) in a source checkout, or configure Slack (README, "Environment")']);
  }
  await entry.runSandbox(process.env, stopSignal());
  return 0;
}

async function main(): Promise<number> {
  const dotenvFile = existsSync('.env');
  if (dotenvFile) loadDotenv({ path: '.env', quiet: true });
  const mode = chooseMode({ env: process.env, dotenvFile });
  if (mode.kind === 'refused') return refuse(mode.problems);
  if (mode.kind === 'sandbox') return runSandbox();
  const env = parseEnv(process.env);
  const catalog = await loadCatalog(env.SERVICES_FILE);
  const bot = await startBot({ env, rawEnv: process.env, catalog });
  await stopSignal();
  await bot.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `release bot failed to start: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
