import type { KnownBlock } from '@slack/web-api';
import type { ServiceConfig } from '../../config/catalog.js';
import { formatDuration } from '../../config/duration.js';
import { LIMITS } from '../limits.js';
import { context, header, packLines, type SlackMessage } from './build.js';
import { channelLink, escape, plural } from './mrkdwn.js';

/** One command as its own module in commands/ describes it. */
export interface HelpEntry {
  /** e.g. "/prerelease <service> <version>" */
  usage: string;
  description: string;
}

/** The help answer: the commands (their grammar lives with each command) and the services they act on. */
export function renderHelp(commands: HelpEntry[], services: ServiceConfig[]): SlackMessage {
  const commandLines = commands.map((c) => `\`${escape(c.usage)}\` — ${escape(c.description)}`);
  const serviceLines = services.map(
    (s) =>
      `• *${escape(s.name)}*${s.description ? ` — ${escape(s.description)}` : ''}: deploys in ${channelLink(s.slack.deployChannel)}, ` +
      `${plural(s.prerelease.canaries, 'canary', 'canaries')}, minimum soak ${formatDuration(s.prerelease.minSoak)}`,
  );
  const lines = [...commandLines, '*Services*', ...(serviceLines.length > 0 ? serviceLines : ['none configured'])];
  const { sections, fitted } = packLines(lines, { blocks: LIMITS.blocksPerMessage - 2, chars: LIMITS.messageBlocksText - 300 });
  const blocks: KnownBlock[] = [header('Release bot'), ...sections];
  if (fitted < lines.length) blocks.push(context(`… ${lines.length - fitted} more lines not shown`));
  return { text: `Release bot commands: ${commands.map((c) => escape(c.usage)).join(', ')}`, blocks };
}
