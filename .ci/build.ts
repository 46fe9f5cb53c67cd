import { readFile, rm } from 'node:fs/promises';
import { build, type Metafile } from 'esbuild';

/**
 * The production build (`npm run build`, the Dockerfile and CI alike): `dist/main.js` and
 * `dist/preflight/main.js`, each one ES module holding the bot's code and the parts of its
 * dependencies that are worth bundling. The others stay packages that `npm ci --omit=dev`
 * installs; test/build/production-build.test.ts proves that is enough.
 *
 * Bundled, because loading them whole is what made the bot slow to start and large:
 * - the AWS SDK from its ES modules, so that only the commands the bot sends are kept (the
 *   CommonJS build of the EC2 client alone is 2 MB of code and 90 MB resident);
 * - jira-client without postman-request, its default HTTP stack, which the bot never calls.
 * Kept as packages: native addons (sqlite3), and packages that read their own files or hook
 * Node's loader at run time (Sentry's SDK, pino).
 */
const EXTERNAL = ['@slack/*', '@sentry/node', 'sqlite3', 'pino', 'prom-client', 'zod', 'luxon', 'ms', 'yaml', 'dotenv'];

const ENTRY_POINTS = { main: 'src/main.ts', 'preflight/main': 'src/preflight/main.ts' };

export async function buildProduction(outdir = 'dist'): Promise<Metafile> {
  await rm(outdir, { recursive: true, force: true });
  const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const result = await build({
    entryPoints: ENTRY_POINTS,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ES modules first: tree shaking needs them, and the AWS SDK ships both.
    mainFields: ['module', 'main'],
    external: EXTERNAL,
    alias: { 'postman-request': './src/adapters/jira/no-default-transport.cjs' },
    // Bundled CommonJS (jira-client) still calls require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // npm sets it under `npm start`; `node dist/main.js` has no npm around it to say which release this is.
    define: { 'process.env.npm_package_version': JSON.stringify(version) },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const metafile = await buildProduction();
  const bytes = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js')).map(([file, output]) => `${file} ${(output.bytes / 1024).toFixed(0)} KiB`);
  process.stdout.write(`built ${bytes.join(', ')}\n`);
}
