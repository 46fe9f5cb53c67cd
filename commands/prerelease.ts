import type { CommandSpec } from './spec.js';
import { extraWords, tokenProblem } from './grammar/words.js';

export const spec: CommandSpec = {
  command: '/prerelease',
  description: 'Launch a canary of a version, watch its new errors, approve or reject it',
  usageHint: '<service> <version> | list | help',
};

export type PrereleaseRequest =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'start'; service: string; version: string }
  | { kind: 'invalid'; problem: string; valid: string };

const USAGE = '`/prerelease <service> <version>` (e.g. `/prerelease board 1.42.0`), `/prerelease list` or `/prerelease help`';

export function parsePrerelease(text: string): PrereleaseRequest {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0].toLowerCase() === 'help')) return { kind: 'help' };
  if (words.length === 1 && words[0].toLowerCase() === 'list') return { kind: 'list' };
  if (words.some((w) => w.startsWith('--'))) {
    return { kind: 'invalid', problem: '`/prerelease` has no options; it takes a service and a version.', valid: `Use ${USAGE}.` };
  }
  const bad = tokenProblem(words);
  if (bad) return { kind: 'invalid', problem: bad, valid: `Service names are letters, digits and dashes; versions look like 1.42.0. Use ${USAGE}.` };
  if (words.length === 1) {
    return { kind: 'invalid', problem: `The version is missing after \`${words[0]}\`.`, valid: `Use ${USAGE}.` };
  }
  if (words.length > 2) {
    return { kind: 'invalid', problem: extraWords(words.slice(2)), valid: `Use ${USAGE}.` };
  }
  return { kind: 'start', service: words[0].toLowerCase(), version: words[1] };
}

export function prereleaseHelp(services: string[]): string {
  return [
    '*`/prerelease <service> <version>`* launches canary instances from the AMI tagged with that version, puts them behind the service\'s load balancer, posts the changelog and watches Sentry for errors first seen in that version. Approve, Reject or Extend the soak from the buttons in the deploy channel.',
    '*`/prerelease list`* shows running and recent pre-releases.',
    `Services: ${services.join(', ') || 'none configured'}.`,
  ].join('\n');
}
