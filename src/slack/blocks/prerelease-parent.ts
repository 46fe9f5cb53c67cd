import type { ActionsBlock, KnownBlock } from '@slack/web-api';
import type { ServiceConfig } from '../../config/catalog.js';
import { formatDuration } from '../../config/duration.js';
import type { PrereleaseFacts } from '../../deploy/prerelease/facts.js';
import { button, confirm, context, fields, header, section, type SlackMessage } from './build.js';
import { describeDecision } from './decision.js';
import { describeNewIssues } from './issues.js';
import { escape, mention, plural, quote, slackTime } from './mrkdwn.js';
import { holdBlocks } from './hold.js';
import { isFinished } from './outcome.js';
import { PRERELEASE_ACTIONS } from './prerelease-actions.js';
import { describeSoak, prereleaseStatus, soakClock, type PrereleaseDeploy, type SoakClock } from './prerelease-status.js';


/** The pre-release's parent message: edited in place as the deploy moves, its thread holds the story. */
export function renderPrereleaseParent(deploy: PrereleaseDeploy, service: ServiceConfig, now: number): SlackMessage {
  const facts = deploy.facts;
  const clock = soakClock(deploy, service, now);
  const title = `Pre-release ${deploy.service} ${deploy.version}`;
  const status = prereleaseStatus(deploy);
  const blocks: KnownBlock[] = [
    header(title),
    section(`*${status}*`),
    fields([
      ['Requested by', mention(deploy.actor)],
      ['Version', facts.fromVersion ? `${escape(facts.fromVersion)} → ${escape(deploy.version)}` : `${escape(deploy.version)} (nothing known serving before)`],
      ['AMI', `\`${escape(facts.imageId)}\` ${quote(facts.imageName)}`],
      ['Canaries', describeCanaries(facts)],
      ['Soak', describeSoak(deploy, clock)],
      ['New issues', describeNewIssues(facts.seenIssues, isFinished(deploy) ? 'none' : 'none yet')],
      ['Sentry', describeSentry(facts, service)],
    ]),
  ];
  if (deploy.hold && !isFinished(deploy)) blocks.push(...holdBlocks(deploy, deploy.hold));
  if (facts.problem) blocks.push(section(`⚠️ *Last problem:* ${quote(facts.problem)}`));
  if (facts.decision) blocks.push(section(describeDecision(facts.decision, `at ${slackTime(facts.decision.at)}`)));
  if (deploy.state === 'soaking' && !isFinished(deploy) && !facts.decision && !deploy.hold) blocks.push(prereleaseActions(deploy, service, clock));
  blocks.push(context(`Deploy \`${escape(deploy.id)}\``, ...(deploy.reason ? [`Reason: ${quote(deploy.reason)}`] : [])));
  return { text: `${title}: ${status}`, blocks };
}

function describeCanaries(facts: PrereleaseFacts): string {
  if (facts.instanceIds.length === 0) return `${facts.canaries} to launch`;
  const states = facts.instanceIds.map((id) => facts.health[id] ?? 'not registered');
  const healthy = states.filter((s) => s === 'healthy').length;
  const others = [...new Set(states.filter((s) => s !== 'healthy'))].map((s) => `${states.filter((x) => x === s).length} ${s}`);
  const lines = [
    `${healthy}/${facts.canaries} healthy${others.length > 0 ? ` (${others.join(', ')})` : ''}`,
    facts.instanceIds.map((id) => `\`${escape(id)}\`${facts.privateIps[id] ? ` ${escape(facts.privateIps[id])}` : ''}`).join(', '),
  ];
  if (facts.healthReason) lines.push(quote(facts.healthReason));
  return lines.join('\n');
}

function describeSentry(facts: PrereleaseFacts, service: ServiceConfig): string {
  if (!service.sentry) return 'not configured: new errors are not watched';
  const sentry = facts.sentry;
  if (sentry.ok) return sentry.checkedAt === null ? 'ok, not checked yet' : `ok, checked ${slackTime(sentry.checkedAt)}`;
  const since = sentry.since ?? sentry.checkedAt;
  const consequence = service.prerelease.autoApprove ? 'cannot approve itself or roll back by itself' : 'cannot roll back by itself';
  const lines = [`⚠️ Sentry unreadable${since === null ? '' : ` since ${slackTime(since)}`} — ${consequence}`];
  if (sentry.problem) lines.push(quote(sentry.problem));
  return lines.join('\n');
}

function prereleaseActions(deploy: PrereleaseDeploy, service: ServiceConfig, clock: SoakClock): ActionsBlock {
  const name = `${deploy.service} ${deploy.version}`;
  const issues = describeNewIssues(deploy.facts.seenIssues, 'no new issues');
  const approveText = clock.reached
    ? `${name} soaked ${formatDuration(clock.elapsedMs)} with ${issues}. Approving marks it ready for the release.`
    : `The minimum soak of ${formatDuration(clock.minimumMs)} is not reached yet (${formatDuration(clock.elapsedMs)} so far). Approving now requires a reason, which goes into the audit trail.`;
  const canaries = deploy.facts.instanceIds.length || deploy.facts.canaries;
  const rejectText = `Rejecting removes the canary (${plural(canaries, 'instance')}) from the target groups and terminates it.`;
  return {
    type: 'actions',
    block_id: 'prerelease_actions',
    elements: [
      button(PRERELEASE_ACTIONS.approve, 'Approve', deploy.id, { style: 'primary', confirm: confirm(`Approve ${name}?`, approveText, 'Approve', 'primary') }),
      button(PRERELEASE_ACTIONS.reject, 'Reject', deploy.id, { style: 'danger', confirm: confirm(`Reject ${name}?`, rejectText, 'Reject', 'danger') }),
      button(PRERELEASE_ACTIONS.extend, `Extend soak +${formatDuration(service.prerelease.extendBy)}`, deploy.id),
    ],
  };
}
