import type { CommandSpec } from './spec.js';
import { extraWords, quotedOption, tokenProblem } from './grammar/words.js';

export const spec: CommandSpec = {
  command: '/release',
  description: 'Swap the whole fleet to a version, moving live sessions off the old servers',
  usageHint: '<service> [version] [--reason <why>] [--override-window] [--adopt-fleet] | check <service> | status [service] | history <service> | help',
};

export type ReleaseCommand =
  | { kind: 'help' }
  | { kind: 'status'; service?: string }
  | { kind: 'history'; service: string }
  | { kind: 'check'; service: string }
  | { kind: 'plan'; service: string; version?: string; reason?: string; overrideWindow: boolean; adoptFleet: boolean }
  | { kind: 'invalid'; problem: string; valid: string };

const USAGE = '`/release <service> [version] [--reason <why>] [--override-window] [--adopt-fleet]`, `/release check <service>`, `/release status [service]`, `/release history <service>` or `/release help`';
const MAX_REASON = 500;

const invalid = (problem: string): ReleaseCommand => ({ kind: 'invalid', problem, valid: `Use ${USAGE}.` });

/**
 * Service and version are plain tokens; only the reason is free text, kept as typed (without
 * control characters) and escaped wherever it is shown.
 */
export function parseRelease(text: string): ReleaseCommand {
  const trimmed = text.trim();
  const reasonAt = trimmed.search(/(^|\s)--reason(\s|$)/);
  const head = reasonAt >= 0 ? trimmed.slice(0, reasonAt) : trimmed;
  let reason = reasonAt >= 0 ? trimmed.slice(reasonAt).replace(/^\s*--reason/, '') : undefined;
  const words = head.split(/\s+/).filter(Boolean);
  const options = { '--override-window': false, '--adopt-fleet': false };
  // A flag typed after the reason is still a flag, not part of the reason.
  for (const flag of Object.keys(options) as (keyof typeof options)[]) {
    const pattern = new RegExp(`(^|\\s)${flag}(?=\\s|$)`);
    if (reason !== undefined && pattern.test(reason)) {
      options[flag] = true;
      reason = reason.replace(pattern, ' ');
    }
  }
  const flags = words.filter((w) => w.startsWith('--'));
  for (const flag of flags) {
    if (flag in options) options[flag as keyof typeof options] = true;
    else return invalid(`That option does not exist${quotedOption(flag) ? `: ${quotedOption(flag)}` : ''}.`);
  }
  const overrideWindow = options['--override-window'];
  const adoptFleet = options['--adopt-fleet'];
  const args = words.filter((w) => !w.startsWith('--'));
  if (reason !== undefined) {
    reason = reason.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    if (reason.length < 3) return invalid('`--reason` needs a reason of at least 3 characters.');
    if (reason.length > MAX_REASON) return invalid(`The reason is longer than ${MAX_REASON} characters.`);
  }
  if (args.length === 0 || (args.length === 1 && args[0].toLowerCase() === 'help')) {
    return reason || overrideWindow || adoptFleet ? invalid('Name the service to release.') : { kind: 'help' };
  }
  const bad = tokenProblem(args);
  if (bad) return invalid(bad);
  const first = args[0].toLowerCase();
  if (first === 'status') return args.length <= 2 ? { kind: 'status', service: args[1]?.toLowerCase() } : invalid(extraWords(args.slice(2)));
  if (first === 'check') {
    if (args.length === 1) return invalid('Name the service to check.');
    return args.length === 2 ? { kind: 'check', service: args[1].toLowerCase() } : invalid(extraWords(args.slice(2)));
  }
  if (first === 'history') {
    if (args.length === 1) return invalid('Name the service whose history you want.');
    return args.length === 2 ? { kind: 'history', service: args[1].toLowerCase() } : invalid(extraWords(args.slice(2)));
  }
  if (args.length > 2) return invalid(`${extraWords(args.slice(2))} A reason goes after \`--reason\`.`);
  if (adoptFleet && reason === undefined) return invalid('`--adopt-fleet` takes over servers the bot did not launch and needs `--reason <why>`.');
  return { kind: 'plan', service: first, version: args[1], reason, overrideWindow, adoptFleet };
}

export function releaseHelp(services: string[]): string {
  return [
    '*`/release <service> [version]`* posts a release plan in the deploy channel: the fleet now, the version (default: the newest approved pre-release), who approved it, the changelog and the deploy window. *Start* swaps every server: new ones launched and proven to take users, old ones closed to new users, live sessions moved off them in waves guided by Prometheus board counts, old servers retired, changelog announced, Jira issues closed.',
    '*`--reason <why>`* releases a version without an approved pre-release; with *`--override-window`* it also releases outside the deploy window. Both are announced in the thread.',
    '*`--adopt-fleet --reason <why>`* takes over, once, serving servers the bot did not launch (a fleet from before the bot), so that it may retire them; the reason goes into the audit trail.',
    '*`/release check <service>`* checks, changing nothing, everything a release of the service needs: AWS permissions, target groups, the fleet, Prometheus, the drain hook, Sentry, Jira and Slack.',
    '*`/release status [service]`* shows running releases; *`/release history <service>`* the last ones.',
    'While a release runs: *Pause*, *Resume* and *Rollback* in its thread. Rollback is never blocked by windows or gates.',
    `Services: ${services.join(', ') || 'none configured'}.`,
  ].join('\n');
}
