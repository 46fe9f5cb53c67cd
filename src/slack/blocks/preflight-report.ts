import type { KnownBlock } from '@slack/web-api';
import { verdict, type CheckLine, type CheckStatus, type PreflightReport } from '../../preflight/report.js';
import { summary } from '../../preflight/text-report.js';
import { LIMITS } from '../limits.js';
import { context, header, packLines, type SlackMessage } from './build.js';
import { escape, quote } from './mrkdwn.js';

const MARK: Record<CheckStatus, string> = { ok: '✅', warning: '⚠️', failed: '❌' };

function describe(line: CheckLine): string {
  const head = `${MARK[line.status]} *${line.area}:* ${quote(line.detail)}`;
  return line.fix ? `${head}\n*Fix:* ${escape(line.fix)}` : head;
}

/** `/release check <service>`: the pre-flight report as a private answer, failures first. */
export function renderPreflightReport(report: PreflightReport): SlackMessage {
  const order: CheckStatus[] = ['failed', 'warning', 'ok'];
  const lines = order.flatMap((status) => report.lines.filter((l) => l.status === status)).map(describe);
  const title = `Pre-flight check of ${report.service}: ${summary(report)}`;
  const { sections, fitted } = packLines(lines, { blocks: LIMITS.blocksPerMessage - 3, chars: LIMITS.messageBlocksText - 600 });
  const blocks: KnownBlock[] = [header(`${MARK[verdict(report)]} ${title}`), ...sections];
  if (fitted < lines.length) blocks.push(context(`… and ${lines.length - fitted} more lines: run \`npm run preflight -- ${report.service}\` on the bot's host for all of them.`));
  blocks.push(context('Nothing was changed: launches and terminations were tried with AWS DryRun.'));
  return { text: title, blocks };
}
