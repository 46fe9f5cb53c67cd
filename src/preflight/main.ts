import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadCatalog, parseEnv } from '../config/load.js';
import { connect } from '../connect.js';
import { createPreflight } from './preflight.js';
import { createProbes } from './probes.js';
import { verdict } from './report.js';
import { textReport } from './text-report.js';

/**
 * `npm run preflight -- <service>` (every service when none is named): the full pre-flight check
 * with the bot's own configuration, printed, changing nothing. Exit code 1 when a check failed,
 * so a deploy pipeline can run it before it rolls the bot out.
 */
async function main(args: string[]): Promise<number> {
  if (existsSync('.env')) loadDotenv({ path: '.env', quiet: true });
  const env = parseEnv(process.env);
  const catalog = await loadCatalog(env.SERVICES_FILE);
  const unknown = args.filter((name) => !catalog.services[name]);
  if (unknown.length > 0) {
    process.stderr.write(`No service called ${unknown.join(', ')} in ${env.SERVICES_FILE}. Known services: ${Object.keys(catalog.services).join(', ')}.\n`);
    return 2;
  }
  const connections = connect(env, process.env);
  const preflight = createPreflight({ aws: { fleet: connections.fleet, checks: connections.fleet.checks, env: process.env }, probes: createProbes(env, process.env, connections), clock: { now: Date.now } });
  let worst = 0;
  try {
    for (const name of args.length > 0 ? args : Object.keys(catalog.services)) {
      const report = await preflight.run(catalog.services[name], 'full');
      process.stdout.write(textReport(report));
      if (verdict(report) === 'failed') worst = 1;
    }
  } finally {
    connections.fleet.destroy();
  }
  return worst;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `pre-flight check failed to run: ${(error as Error).stack ?? error}\n`);
    process.exit(2);
  },
);
