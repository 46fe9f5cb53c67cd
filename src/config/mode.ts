/**
 * What a start of the bot runs. The sandbox fakes AWS, Slack and Prometheus on loopback, so it
 * must never be what a production deploy gets because a secret failed to mount: it starts only
 * when nothing at all says "this is a real bot", or when asked for by name.
 */
export type StartMode = { kind: 'sandbox' } | { kind: 'slack' } | { kind: 'refused'; problems: string[] };

export const MODE_VARIABLE = 'RELEASE_BOT_MODE';
const MODES = ['slack', 'sandbox'] as const;

export interface StartContext {
  env: Record<string, string | undefined>;
  /** Whether a `.env` file sits in the working directory (read before this is called). */
  dotenvFile: boolean;
}

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The signs of a real deployment, named as the refusal names them. */
function productionSigns({ env, dotenvFile }: StartContext): string[] {
  const slackVariables = Object.keys(env).filter((name) => name.startsWith('SLACK_') && set(env[name]));
  return [
    ...(dotenvFile ? ['a .env file'] : []),
    ...slackVariables,
    ...(env.NODE_ENV === 'production' ? ['NODE_ENV=production'] : []),
    ...(env[MODE_VARIABLE] === 'slack' ? [`${MODE_VARIABLE}=slack`] : []),
  ];
}

function missingForSlack(env: Record<string, string | undefined>): string[] {
  const missing: string[] = [];
  if (!set(env.SLACK_BOT_TOKEN)) missing.push('SLACK_BOT_TOKEN (the bot token, xoxb-…)');
  if (!set(env.SLACK_APP_TOKEN) && !set(env.SLACK_SIGNING_SECRET)) missing.push('SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  return missing;
}

export function chooseMode(context: StartContext): StartMode {
  const { env } = context;
  const asked = env[MODE_VARIABLE];
  if (set(asked) && !(MODES as readonly string[]).includes(asked)) {
    return { kind: 'refused', problems: [`${MODE_VARIABLE}=${asked} is not a mode: use ${MODES.join(' or ')} (or leave it unset)`] };
  }
  if (asked === 'sandbox') {
    if (env.NODE_ENV === 'production') return { kind: 'refused', problems: ['NODE_ENV=production never runs the sandbox: unset NODE_ENV to try the sandbox on this machine'] };
    return { kind: 'sandbox' };
  }
  const signs = productionSigns(context);
  if (signs.length === 0) return { kind: 'sandbox' };
  const missing = missingForSlack(env);
  if (missing.length === 0) return { kind: 'slack' };
  return {
    kind: 'refused',
    problems: [
      `Slack mode (because of ${signs.join(', ')}) needs ${missing.join(' and ')}; the bot did not start.`,
      'Set the missing variables (README, "Environment"), or run `npm run sandbox` to try the local sandbox instead.',
    ],
  };
}
