import type { KnownBlock } from '@slack/web-api';
import type { ServiceConfig } from '../../config/catalog.js';
import { formatDuration } from '../../config/duration.js';
import type { DeployRecord } from '../../deploy/records.js';
import { LIMITS } from '../limits.js';
import { context, header, packLines, section, type SlackMessage } from './build.js';
import { channelLink, escape, formatCount, mention, plural, slackDateTime } from './mrkdwn.js';
import { isFinished } from './outcome.js';
import { asRelease, describeBoards, describeEta, describeNewServers, drainEta, releaseDuration, releasePhase, type ReleaseDeploy } from './release-status.js';

const BULLET = '• ';
/** `/release history` shows this many, newest first. */
const HISTORY_LENGTH = 10;

/** The answer to `/release status [service]`: the releases under way, or the last one when none is. */
export function renderReleaseList(records: DeployRecord[], services: Record<string, ServiceConfig>, now: number): SlackMessage {
  const releases = newestFirst(records);
  const running = releases.filter((d) => !isFinished(d));
  const title = 'Releases';
  if (running.length === 0) {
    const last = releases[0];
    const lines = ['No release running.', last ? `Last: ${describePast(last, now, true)}` : 'No release recorded yet.'];
    return { text: `${title}: none running`, blocks: [header(title), section(lines.join('\n'))] };
  }
  const lines = running.map((d) => describeRunning(d, services[d.service], now));
  return { text: `${title}: ${running.length} running`, blocks: listBlocks(title, lines, 'more release') };
}

/** The answer to `/release history <service>`: version, outcome, who, when and how long. */
export function renderReleaseHistory(records: DeployRecord[], service: ServiceConfig, now: number): SlackMessage {
  const releases = newestFirst(records)
    .filter((d) => d.service === service.name)
    .slice(0, HISTORY_LENGTH);
  const title = `Release history ${service.name}`;
  if (releases.length === 0) return { text: `${title}: none`, blocks: [header(title), section(`No release of ${escape(service.name)} recorded yet.`)] };
  const lines = releases.map((d) => `${BULLET}${isFinished(d) ? describePast(d, now, false) : `*${escape(d.version)}* ${releasePhase(d)} · ${describeWho(d)} · ${slackDateTime(startOf(d))}`}`);
  return { text: `${title}: last ${plural(releases.length, 'release')}`, blocks: listBlocks(title, lines, 'more release') };
}

function newestFirst(records: DeployRecord[]): ReleaseDeploy[] {
  return records.flatMap((r) => asRelease(r) ?? []).sort((a, b) => b.createdAt - a.createdAt);
}

function listBlocks(title: string, lines: string[], noun: string): KnownBlock[] {
  const { sections, fitted } = packLines(lines, { blocks: LIMITS.blocksPerMessage - 2, chars: LIMITS.messageBlocksText - 300 });
  const blocks: KnownBlock[] = [header(title), ...sections];
  if (fitted < lines.length) blocks.push(context(`… and ${plural(lines.length - fitted, noun)} not shown`));
  return blocks;
}

function describeRunning(deploy: ReleaseDeploy, service: ServiceConfig | undefined, now: number): string {
  const facts = deploy.facts;
  const parts = [`*${escape(deploy.service)} ${escape(deploy.version)}*`, releasePhase(deploy)];
  if (deploy.state !== 'planned') {
    parts.push(`new ${describeNewServers(facts)}`, `boards ${describeBoards(facts)}`);
    if (deploy.state === 'gating' && service) parts.push(`gate ${formatCount(facts.gate.boards ?? 0)}/${formatCount(service.release.gate.minBoards)} boards`);
    if (deploy.state === 'draining') parts.push(`ETA ${describeEta(drainEta(facts, now), now)}`);
  }
  parts.push(describeWho(deploy), slackDateTime(startOf(deploy)));
  if (deploy.slackChannel) parts.push(channelLink(deploy.slackChannel));
  return `${BULLET}${parts.join(' · ')}`;
}

/** One finished release; `withService` when releases of several services are mixed. */
function describePast(deploy: ReleaseDeploy, now: number, withService: boolean): string {
  const name = withService ? `${escape(deploy.service)} ${escape(deploy.version)}` : escape(deploy.version);
  const parts = [`*${name}* ${releasePhase(deploy)}`, describeWho(deploy), slackDateTime(startOf(deploy))];
  if (deploy.facts.startedAt !== null) parts.push(`took ${formatDuration(releaseDuration(deploy, now))}`);
  return parts.join(' · ');
}

/** Who carried it: the one who pressed Start, or who planned it when it never started; and who rolled it back. */
function describeWho(deploy: ReleaseDeploy): string {
  const facts = deploy.facts;
  const who = facts.startedBy ? `by ${mention(facts.startedBy)}` : `planned by ${mention(deploy.actor)}`;
  return facts.rollback ? `${who}, rolled back by ${mention(facts.rollback.by)}` : who;
}

function startOf(deploy: ReleaseDeploy): number {
  return deploy.facts.startedAt ?? deploy.createdAt;
}
