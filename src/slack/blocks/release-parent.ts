import type { Button, KnownBlock } from '@slack/web-api';
import type { ServiceConfig } from '../../config/catalog.js';
import { formatDuration } from '../../config/duration.js';
import type { DrainServer } from '../../deploy/drain.js';
import { newFleetIds, PAUSABLE, type PauseQuestion, type ReleaseFacts } from '../../deploy/release/facts.js';
import { button, confirm, context, fields, header, section, type SlackMessage } from './build.js';
import { code, formatCount, mention, plural, quote, slackTime } from './mrkdwn.js';
import { holdBlocks } from './hold.js';
import { isFinished } from './outcome.js';
import { RELEASE_ACTIONS } from './release-actions.js';
import { describeVersion, planActions, planFields, type DeployWindowView } from './release-plan.js';
import {
  boardCount,
  describeBoards,
  describeDrainPhases,
  describeEta,
  describeNewServers,
  drainEta,
  QUESTION_TITLE,
  releaseDuration,
  releasePhase,
  type ReleaseDeploy,
} from './release-status.js';

export interface ReleaseParentContext {
  /** Null when the caller could not tell: shown as unknown, never as open. */
  window: DeployWindowView | null;
}

/** Up to this many servers on a side are listed one by one; beyond that only totals are readable. */
const FEW_SERVERS = 12;
/** Servers needing a human are always named, up to this many. */
const MAX_NAMED = 10;

/** The release's parent message: the plan before Start, then the swap as it happens, then the outcome. */
export function renderReleaseParent(deploy: ReleaseDeploy, service: ServiceConfig, now: number, ctx: ReleaseParentContext): SlackMessage {
  const title = `Release ${deploy.service} ${deploy.version}`;
  const phase = releasePhase(deploy);
  const blocks: KnownBlock[] = [header(title), section(`*${phase}*`)];
  if (isFinished(deploy)) {
    blocks.push(section(describeOutcome(deploy, now)), fields(progressFields(deploy, service, now)));
  } else if (deploy.state === 'planned') {
    blocks.push(fields(planFields(deploy, service, ctx.window)), planActions(deploy));
  } else if (deploy.hold) {
    blocks.push(...holdBlocks(deploy, deploy.hold), ...runningBlocks(deploy, service, now));
  } else {
    blocks.push(...runningBlocks(deploy, service, now));
    const actions = runningButtons(deploy, now);
    if (actions.length > 0) blocks.push({ type: 'actions', block_id: 'release_actions', elements: actions });
  }
  blocks.push(context(...footer(deploy)));
  return { text: `${title}: ${phase}`, blocks };
}

/** Pause and Rollback while running; Resume when paused; only Rollback while old servers are kept warm. */
function runningButtons(deploy: ReleaseDeploy, now: number): Button[] {
  const facts = deploy.facts;
  const rollback = rollbackButton(deploy);
  if (deploy.state === 'paused') return [button(RELEASE_ACTIONS.resume, 'Resume', deploy.id, { style: 'primary' }), ...(facts.rollback ? [] : [rollback])];
  if (deploy.state === 'retiring' && warmUntil(facts, now) !== null) return [rollback];
  if (PAUSABLE.has(deploy.state)) return [button(RELEASE_ACTIONS.pause, 'Pause', deploy.id), rollback];
  return [];
}

function rollbackButton(deploy: ReleaseDeploy): Button {
  const text = 'Rollback moves users back to the old servers while they are warm, then terminates the new servers. It is never held back by the deploy window or the gate.';
  return button(RELEASE_ACTIONS.rollback, 'Rollback', deploy.id, {
    style: 'danger',
    confirm: confirm(`Roll back ${deploy.service} ${deploy.version}?`, text, 'Roll back', 'danger'),
  });
}

/** When old servers wait, deregistered, for a possible rollback. */
function warmUntil(facts: ReleaseFacts, now: number): number | null {
  const until = facts.retire.warmUntil;
  return until !== null && until > now && facts.retire.terminated.length === 0 ? until : null;
}

function runningBlocks(deploy: ReleaseDeploy, service: ServiceConfig, now: number): KnownBlock[] {
  const facts = deploy.facts;
  const blocks: KnownBlock[] = [];
  if (deploy.state === 'paused' && facts.pause) blocks.push(section(describeQuestion(facts.pause)));
  if (deploy.state === 'rolling_back' && facts.rollback) blocks.push(section(describeRollback(facts)));
  const warm = warmUntil(facts, now);
  if (deploy.state === 'retiring' && warm !== null) blocks.push(section(`🔥 Old servers kept warm until ${slackTime(warm)}: a rollback until then moves users back in minutes.`));
  blocks.push(fields(progressFields(deploy, service, now)));
  const servers = serverLines(facts);
  if (servers) blocks.push(section(servers));
  if (facts.problem) blocks.push(section(`⚠️ *Last problem:* ${quote(facts.problem)}`));
  return blocks;
}

function progressFields(deploy: ReleaseDeploy, service: ServiceConfig, now: number): [string, string][] {
  const facts = deploy.facts;
  const pairs: [string, string][] = [
    ['Version', describeVersion(facts.plan, deploy.version)],
    ['New servers', describeNewServers(facts)],
    ['Boards', describeBoards(facts)],
  ];
  if (facts.gate.startedAt !== null) pairs.push(['Gate', describeGate(facts, service)]);
  if (facts.drain.servers.length > 0) {
    pairs.push(['Drain', `${facts.drain.wave > 0 ? `wave ${facts.drain.wave}: ` : ''}${describeDrainPhases(facts.drain.servers)}`]);
  }
  const draining = deploy.state === 'draining' || (deploy.state === 'paused' && facts.pausedFrom === 'draining');
  if (draining && !isFinished(deploy)) pairs.push(['ETA', describeEta(drainEta(facts, now), now)]);
  if (facts.startedAt !== null) {
    const took = isFinished(deploy) ? `took ${formatDuration(releaseDuration(deploy, now))}` : `running ${formatDuration(now - facts.startedAt)}`;
    pairs.push(['Started', `by ${mention(facts.startedBy ?? deploy.actor)} at ${slackTime(facts.startedAt)}, ${took}`]);
  }
  return pairs;
}

function describeGate(facts: ReleaseFacts, service: ServiceConfig): string {
  const needed = boardCount(service.release.gate.minBoards);
  const boards = facts.gate.boards === null ? 'not read yet' : `${formatCount(facts.gate.boards)} on new servers`;
  return facts.gate.passedAt !== null ? `✅ passed at ${slackTime(facts.gate.passedAt)} with ${boards}` : `${boards}, needs ${needed}`;
}

const ANSWER: Record<PauseQuestion['kind'], string> = {
  unknown: 'Nothing is terminated while a count is unknown. Answer in the thread: *Wait* or *Terminate anyway*.',
  stuck: 'Nothing is terminated before it is drained. Answer in the thread: *Wait* or *Terminate anyway*.',
  drop: '*Resume* accepts the new total; *Rollback* moves users back to the old servers.',
  user: '*Resume* carries on where it stopped.',
  dependency: '*Resume* tries again.',
};

function describeQuestion(question: PauseQuestion): string {
  const by = question.kind === 'user' ? ` by ${mention(question.by)}` : '';
  const servers = question.instanceIds.length > 0 ? `\n${namedServers(question.instanceIds)}` : '';
  return `${QUESTION_TITLE[question.kind]}${by} at ${slackTime(question.at)}: ${quote(question.reason)}${servers}\n${ANSWER[question.kind]}`;
}

function describeRollback(facts: ReleaseFacts): string {
  const rollback = facts.rollback as NonNullable<ReleaseFacts['rollback']>;
  const lines = [`Asked by ${mention(rollback.by)} at ${slackTime(rollback.at)} while ${rollback.from.replace('_', ' ')}${rollback.reason ? `: ${quote(rollback.reason)}` : ''}`];
  const { servers } = rollback.drain;
  if (servers.length > 0) {
    const left = servers.reduce((n, s) => n + (s.boards ?? 0), 0);
    lines.push(`Moving users back: ${formatCount(left)} boards left on the new servers (${describeDrainPhases(servers)})`);
  } else if (rollback.reopenedAt !== null) {
    lines.push(`Old servers registered again at ${slackTime(rollback.reopenedAt)}; waiting for them to be healthy`);
  }
  return lines.join('\n');
}

function describeOutcome(deploy: ReleaseDeploy, now: number): string {
  const facts = deploy.facts;
  switch (deploy.outcome) {
    case 'released': {
      const parts = [`Released in ${formatDuration(releaseDuration(deploy, now))}`, plural(facts.drain.wave, 'wave')];
      if (facts.drain.oldBoardsAtStart !== null) parts.push(`${formatCount(facts.drain.oldBoardsAtStart)} boards moved`);
      const lines = [parts.join(' · ')];
      if (facts.jira.attempted) lines.push(describeJira(facts.jira));
      return lines.join('\n');
    }
    case 'rolled_back':
      if (!facts.rollback) return `Rolled back${facts.problem ? `: ${quote(facts.problem)}` : ''}`;
      return `Rolled back by ${mention(facts.rollback.by)} while ${facts.rollback.from.replace('_', ' ')}${facts.rollback.reason ? `: ${quote(facts.rollback.reason)}` : ''}`;
    case 'cancelled':
      return 'Cancelled before it started; nothing was changed.';
    default:
      return `*Failed:* ${quote(facts.problem ?? 'no problem was recorded')}`;
  }
}

function describeJira(jira: ReleaseFacts['jira']): string {
  const failed = jira.results.filter((r) => r.problem !== null).length;
  const parts = [`Jira: ${plural(jira.results.length - failed, 'issue')} done`];
  if (failed > 0) parts.push(`⚠️ ${failed} failed`);
  if (jira.fixVersion) parts.push(`fix version ${quote(jira.fixVersion)}`);
  if (jira.problem) parts.push(`⚠️ ${quote(jira.problem)}`);
  return parts.join(' · ');
}

/** One line per side while the fleet is small; otherwise only the servers a human must look at. */
function serverLines(facts: ReleaseFacts): string | null {
  const old = facts.drain.servers;
  const fresh = newFleetIds(facts).filter((id) => id in facts.drain.newBoards);
  if (old.length === 0 && fresh.length === 0) return null;
  if (old.length <= FEW_SERVERS && fresh.length <= FEW_SERVERS) {
    const lines = [];
    if (old.length > 0) lines.push(`*Old:* ${old.map(describeOldServer).join(' · ')}`);
    if (fresh.length > 0) lines.push(`*New:* ${fresh.map((id) => `${code(id)} ${count(facts.drain.newBoards[id])}`).join(' · ')}`);
    return lines.join('\n');
  }
  const attention = old.filter((s) => s.phase === 'stuck' || s.boards === null).map((s) => s.instanceId);
  return attention.length > 0 ? `*Need a look:* ${namedServers(attention)}` : null;
}

const PHASE_MARK: Record<DrainServer['phase'], string> = { serving: '', draining: '🌊 ', drained: '✓ ', stuck: '⚠️ ' };

function describeOldServer(server: DrainServer): string {
  return `${code(server.instanceId)} ${PHASE_MARK[server.phase]}${count(server.boards)}`;
}

function count(boards: number | null | undefined): string {
  return boards === null || boards === undefined ? '❓' : formatCount(boards);
}

function namedServers(ids: string[]): string {
  const more = ids.length > MAX_NAMED ? ` +${ids.length - MAX_NAMED} more` : '';
  return `${ids.slice(0, MAX_NAMED).map(code).join(', ')}${more}`;
}

function footer(deploy: ReleaseDeploy): string[] {
  const parts = [`Deploy ${code(deploy.id)}`, `Planned by ${mention(deploy.actor)}`];
  if (deploy.reason) parts.push(`Reason: ${quote(deploy.reason)}`);
  return parts;
}
