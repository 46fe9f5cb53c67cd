import type { KnownBlock } from '@slack/web-api';
import type { ServiceConfig } from '../../config/catalog.js';
import { LIMITS } from '../limits.js';
import { context, header, packLines, section, type SlackMessage } from './build.js';
import { describeNewIssues } from './issues.js';
import { channelLink, escape, mention, plural } from './mrkdwn.js';
import type { DeployRecord } from '../../deploy/records.js';
import { isFinished } from './outcome.js';
import { asPrerelease, describeSoak, prereleaseStatus, soakClock, type PrereleaseDeploy } from './prerelease-status.js';

const BULLET = '• ';

/** The answer to `/prerelease list`: running pre-releases first, then the finished ones given. */
export function renderPrereleaseList(records: DeployRecord[], services: Record<string, ServiceConfig>, now: number): SlackMessage {
  const deploys = records.flatMap((record) => asPrerelease(record) ?? []);
  const running = deploys.filter((d) => !isFinished(d));
  const finished = deploys.filter(isFinished);
  const title = 'Pre-releases';
  const summary = `${running.length} running, ${finished.length} finished`;
  if (deploys.length === 0) {
    return { text: `${title}: none running`, blocks: [header(title), section('No pre-release is running or recently finished.')] };
  }
  const lines = [
    ...(running.length > 0 ? ['*Running*', ...running.map((d) => describe(d, services[d.service], now))] : []),
    ...(finished.length > 0 ? ['*Finished*', ...finished.map((d) => describe(d, services[d.service], now))] : []),
  ];
  const { sections, fitted } = packLines(lines, { blocks: LIMITS.blocksPerMessage - 2, chars: LIMITS.messageBlocksText - 300 });
  const blocks: KnownBlock[] = [header(title), ...sections];
  const hidden = lines.slice(fitted).filter((line) => line.startsWith(BULLET)).length;
  if (hidden > 0) blocks.push(context(`… and ${plural(hidden, 'more pre-release')} not shown`));
  return { text: `${title}: ${summary}`, blocks };
}

function describe(deploy: PrereleaseDeploy, service: ServiceConfig | undefined, now: number): string {
  const parts = [`*${escape(deploy.service)} ${escape(deploy.version)}*`, prereleaseStatus(deploy)];
  if (service) parts.push(describeSoak(deploy, soakClock(deploy, service, now)));
  parts.push(describeNewIssues(deploy.facts.seenIssues, 'no new issues'), `by ${mention(deploy.actor)}`);
  if (deploy.slackChannel) parts.push(channelLink(deploy.slackChannel));
  return `${BULLET}${parts.join(' · ')}`;
}
