import { describe, expect, it } from 'vitest';
import { chooseMode, type StartContext } from '../../src/config/mode.js';

const BOT = 'xoxb-1-2-abc';
const SECRET = 'signing-secret-0123';
const APP = 'xapp-1-A1-abc';

/** Each environment a start may meet, and what it must start (or which words the refusal must contain). */
const TABLE: { env: Record<string, string>; dotenvFile?: boolean; starts: 'sandbox' | 'slack' | string[] }[] = [
  { env: {}, starts: 'sandbox' },
  { env: { PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'development', CONSOLE_PORT: '3001', SANDBOX_FLEET_SIZE: '6' }, starts: 'sandbox' },
  { env: { RELEASE_BOT_MODE: 'sandbox' }, starts: 'sandbox' },
  // `npm run sandbox` next to a filled-in .env: asked for by name, the sandbox runs its own fakes.
  { env: { RELEASE_BOT_MODE: 'sandbox', SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET }, dotenvFile: true, starts: 'sandbox' },
  { env: { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET }, starts: 'slack' },
  { env: { SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP }, starts: 'slack' },
  { env: { SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, NODE_ENV: 'production', RELEASE_BOT_MODE: 'slack' }, dotenvFile: true, starts: 'slack' },
  // The production deploy whose token secret failed to mount.
  { env: { SLACK_SIGNING_SECRET: SECRET }, starts: ['SLACK_SIGNING_SECRET', 'needs SLACK_BOT_TOKEN', 'did not start'] },
  { env: { SLACK_APP_TOKEN: APP }, starts: ['SLACK_APP_TOKEN', 'needs SLACK_BOT_TOKEN'] },
  { env: { SLACK_BOT_TOKEN: BOT }, starts: ['needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET'] },
  { env: { SLACK_API_URL: 'http://127.0.0.1:9/api' }, starts: ['SLACK_API_URL', 'needs SLACK_BOT_TOKEN'] },
  { env: { NODE_ENV: 'production' }, starts: ['NODE_ENV=production', 'needs SLACK_BOT_TOKEN', 'npm run sandbox'] },
  { env: { RELEASE_BOT_MODE: 'slack' }, starts: ['RELEASE_BOT_MODE=slack', 'needs SLACK_BOT_TOKEN'] },
  { env: {}, dotenvFile: true, starts: ['a .env file', 'needs SLACK_BOT_TOKEN'] },
  { env: { SLACK_BOT_TOKEN: '' }, dotenvFile: true, starts: ['a .env file', 'needs SLACK_BOT_TOKEN'] },
  { env: { RELEASE_BOT_MODE: 'production' }, starts: ['RELEASE_BOT_MODE=production is not a mode', 'slack or sandbox'] },
  { env: { RELEASE_BOT_MODE: 'sandbox', NODE_ENV: 'production' }, starts: ['NODE_ENV=production never runs the sandbox'] },
];

describe('what a start runs, by environment', () => {
  it.each(TABLE.map((row) => [JSON.stringify(row.env) + (row.dotenvFile ? ' + .env' : ''), row] as const))('%s', (_, row) => {
    const context: StartContext = { env: row.env, dotenvFile: row.dotenvFile ?? false };
    const mode = chooseMode(context);
    if (typeof row.starts === 'string') {
      expect(mode).toEqual({ kind: row.starts });
      return;
    }
    expect(mode.kind).toBe('refused');
    const message = mode.kind === 'refused' ? mode.problems.join('\n') : '';
    for (const words of row.starts) expect(message).toContain(words);
  });

  it('names no secret value in a refusal', () => {
    const mode = chooseMode({ env: { SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: APP }, dotenvFile: false });
    expect(JSON.stringify(mode)).not.toContain(SECRET);
    expect(JSON.stringify(mode)).not.toContain(APP);
  });
});
