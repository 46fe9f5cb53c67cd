import type { ActionsBlock } from '@slack/web-api';
import type { ServiceConfig } from '../../config/catalog.js';
import { formatDuration } from '../../config/duration.js';
import type { ReleasePlan } from '../../deploy/release/facts.js';
import { button, confirm } from './build.js';
import { code, escape, formatCount, mention, plural, quote, slackDateTime } from './mrkdwn.js';
import { RELEASE_ACTIONS } from './release-actions.js';
import type { ReleaseDeploy } from './release-status.js';

/** The deploy window at render time, computed by the caller from the service's calendar. */
export interface DeployWindowView {
  open: boolean;
  reason?: string;
  nextOpenAt?: number | null;
  /** The windows in words, e.g. "Mon–Fri 09:00–16:00 Europe/Berlin". */
  description: string;
}

/** Jira keys named in the plan; the rest are counted, the thread's changelog lists them all. */
const MAX_KEYS = 12;

/** What pressing Start will do, as label/value pairs for the planned parent message. */
export function planFields(deploy: ReleaseDeploy, service: ServiceConfig, window: DeployWindowView | null): [string, string][] {
  const plan = deploy.facts.plan;
  return [
    ['Version', describeVersion(plan, deploy.version)],
    ['Fleet now', describeFleet(plan, deploy.version)],
    ['Pre-release', describeApproval(plan)],
    ['Changelog', describeChangelog(plan.changelog)],
    ['Deploy window', describeWindow(window, plan.windowOverride)],
    ['Steps', describeSteps(plan, service)],
  ];
}

export function describeVersion(plan: ReleasePlan, version: string): string {
  const from = plan.fromVersion ? `${escape(plan.fromVersion)} → ${escape(version)}` : `${escape(version)} (the serving version is not known)`;
  return `${from}\n${code(plan.imageId)} ${quote(plan.imageName)}`;
}

/** Servers serving now, their versions, and what becomes of each canary. */
function describeFleet(plan: ReleasePlan, version: string): string {
  const canaries = plan.oldInstances.filter((i) => i.canary).length + plan.adopt.length;
  const versions = new Map<string, number>();
  const add = (v: string) => versions.set(v, (versions.get(v) ?? 0) + 1);
  for (const instance of plan.oldInstances) add(instance.version ?? 'unknown version');
  for (let i = 0; i < plan.adopt.length; i += 1) add(version);
  const byCount = [...versions.entries()].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${n} × ${escape(v)}`);
  const lines = [`${plural(plan.oldInstances.length + plan.adopt.length, 'server')}: ${plan.fleetSize} fleet, ${plural(canaries, 'canary', 'canaries')}`, byCount.join(', ')];
  if (plan.takeOver) {
    const { by, reason, instanceIds } = plan.takeOver;
    lines.push(`🏷️ ${plural(instanceIds.length, 'server')} not launched by the bot taken over by ${mention(by)}: ${quote(reason)}`);
  }
  for (const a of plan.adopt) lines.push(`${code(a.instanceId)} canary of ${escape(version)}: adopted into the new fleet`);
  for (const c of plan.oldInstances.filter((i) => i.canary)) lines.push(`${code(c.instanceId)} canary of ${escape(c.version ?? 'an unknown version')}: replaced`);
  return lines.join('\n');
}

function describeApproval(plan: ReleasePlan): string {
  const pre = plan.prerelease;
  if (pre) return `✅ approved by ${mention(pre.approvedBy)} after ${formatDuration(pre.soakedMs)} soak, ${plural(pre.newIssues, 'new error')}`;
  if (plan.overrideReason) return `⚠️ no approved pre-release — released with a reason: ${quote(plan.overrideReason)}`;
  return '⚠️ no approved pre-release';
}

function describeChangelog(changelog: ReleasePlan['changelog']): string {
  if (changelog.commits === 0) return 'no commits listed';
  const keys = changelog.issueKeys;
  const named = keys.slice(0, MAX_KEYS).map(escape).join(', ');
  const more = keys.length > MAX_KEYS ? ` +${keys.length - MAX_KEYS} more` : '';
  const lines = [plural(changelog.commits, 'commit'), keys.length > 0 ? `${named}${more}` : 'no Jira keys'];
  if (changelog.omitted > 0) lines.push(`keys of the ${formatCount(changelog.omitted)} oldest commits not read`);
  return lines.join('\n');
}

export function describeWindow(window: DeployWindowView | null, override: ReleasePlan['windowOverride']): string {
  const lines = [window === null ? '—' : window.open ? '✅ open' : `⛔ closed: ${quote(window.reason ?? 'outside the deploy window')}`];
  if (window && !window.open && window.nextOpenAt) lines.push(`opens again ${slackDateTime(window.nextOpenAt)}`);
  if (window) lines.push(escape(window.description));
  if (override) lines.push(`⚠️ overridden by ${mention(override.by)}: ${quote(override.reason)}`);
  return lines.join('\n');
}

function describeSteps(plan: ReleasePlan, service: ServiceConfig): string {
  const launching = plan.fleetSize - plan.adopt.length;
  const gate = service.release.gate;
  const lines = [
    `launch ${plural(launching, 'new server')}${plan.adopt.length > 0 ? `, adopt ${plural(plan.adopt.length, 'canary', 'canaries')}` : ''}`,
    `gate: new servers take ${plural(gate.minBoards, 'board')} within ${formatDuration(gate.timeout)}`,
  ];
  if (service.drain) lines.push(`drain in waves of ≤ ${formatCount(service.drain.maxBoardsPerWave)} boards (≤ ${formatCount(service.drain.capacity)} per server)`);
  lines.push(service.release.keepWarm > 0 ? `old servers kept warm ${formatDuration(service.release.keepWarm)}` : 'old servers terminated once drained');
  return lines.join('\n');
}

export function planActions(deploy: ReleaseDeploy): ActionsBlock {
  const plan = deploy.facts.plan;
  const launching = plan.fleetSize - plan.adopt.length;
  const adopting = plan.adopt.length > 0 ? ` and ${plural(plan.adopt.length, 'canary is', 'canaries are')} adopted` : '';
  const question = `Replace ${plural(plan.oldInstances.length, 'server')} of ${deploy.service} with ${deploy.version}?`;
  const text = `${question} ${plural(launching, 'new server is', 'new servers are')} launched${adopting}; users move over in waves.`;
  return {
    type: 'actions',
    block_id: 'release_actions',
    elements: [
      button(RELEASE_ACTIONS.start, 'Start', deploy.id, { style: 'primary', confirm: confirm('Start the release?', text, 'Start', 'primary') }),
      button(RELEASE_ACTIONS.cancel, 'Cancel', deploy.id),
    ],
  };
}
