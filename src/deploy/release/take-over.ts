import type { ServiceConfig } from '../../config/catalog.js';
import { isManaged, takeOverTags, type Instance } from '../ports.js';

/** Serving servers the bot could not retire: neither launched by it nor taken over. */
export function unmanagedServers(instances: Instance[], service: ServiceConfig): Instance[] {
  return instances.filter((i) => !isManaged(i, service.name));
}

/** The one-time AWS CLI step that puts exactly these instances under the bot's care. */
export function takeOverCommand(service: ServiceConfig, instanceIds: string[]): string {
  const tags = Object.entries(takeOverTags(service.name))
    .map(([key, value]) => `Key=${key},Value=${value}`)
    .join(' ');
  return `aws ec2 create-tags --region ${service.region} --resources ${instanceIds.join(' ')} --tags ${tags}`;
}

/**
 * Why a release of a fleet the bot did not launch is refused before anything happens, and the
 * two ways to take the fleet over once: the exact CLI command, or `--adopt-fleet` with a reason.
 */
export function takeOverRefusal(service: ServiceConfig, instanceIds: string[]): { problem: string; valid: string } {
  const n = instanceIds.length;
  return {
    problem:
      `${n === 1 ? '1 serving server' : `${n} serving servers`} of ${service.name} ${n === 1 ? 'was' : 'were'} not launched by the release bot: ${instanceIds.join(', ')}. ` +
      'The bot retires only servers it manages, so this release could launch and drain but never finish.',
    valid:
      `Take ${n === 1 ? 'it' : 'them'} over once, then run \`/release ${service.name}\` again. Either tag ${n === 1 ? 'it' : 'them'} yourself:\n` +
      `\`\`\`${takeOverCommand(service, instanceIds)}\`\`\`\n` +
      `or, as someone allowed to release, let the bot do it: \`/release ${service.name} --adopt-fleet --reason <why>\` ` +
      '(needs the IAM statement AdoptTheServiceFleet from the README, "AWS permissions"). Either way the servers keep serving untouched until a release replaces them.',
  };
}
