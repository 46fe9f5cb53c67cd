import type { App, RespondFn } from '@slack/bolt';
import { parseRelease, releaseHelp, spec } from '../../../commands/release.js';
import { knownServices } from '../../deploy/prerelease/request.js';
import type { ServiceConfig } from '../../config/catalog.js';
import { checkAnyAccess } from '../../deploy/access.js';
import { classifyFailure } from '../../deploy/failure.js';
import type { ReleasePlan } from '../../deploy/release/facts.js';
import { planRelease } from '../../deploy/release/request.js';
import { takeOverCommand } from '../../deploy/release/take-over.js';
import { BOT_ACTOR } from '../../deploy/workflow.js';
import { escape } from '../blocks/mrkdwn.js';
import { renderReleaseHistory, renderReleaseList } from '../blocks/release-list.js';
import { renderPreflightReport } from '../blocks/preflight-report.js';
import { renderUserError } from '../blocks/user-error.js';
import type { SlackDeps } from '../deps.js';
import { ackTimer } from './ack-timer.js';
import { channelRefusal } from './channel-check.js';
import { answer, threadLink } from './reply.js';

/**
 * `--adopt-fleet`: the servers the bot did not launch are tagged as managed before the plan is
 * posted, so the plan shows a fleet the bot may retire. The audit entry is written first, so no
 * takeover happens without one. Returns the answer when AWS refused; nothing was tagged then.
 */
async function takeOverFleet(deps: SlackDeps, service: ServiceConfig, deployId: string, takeOver: NonNullable<ReleasePlan['takeOver']>, now: number) {
  const { by, reason, instanceIds } = takeOver;
  await deps.store.appendAudit(deployId, { actor: by, action: 'fleet_taken_over', reason, data: { instanceIds } }, now);
  try {
    await deps.fleet.takeOver(service, instanceIds);
    return null;
  } catch (error) {
    const failure = classifyFailure(error);
    await deps.store.appendAudit(deployId, { actor: BOT_ACTOR, action: 'fleet_take_over_failed', reason: failure.problem, data: { instanceIds, code: failure.code } }, now);
    return renderUserError(
      `The servers could not be taken over: ${escape(failure.problem)}`,
      `${failure.fix ? `${escape(failure.fix)} ` : ''}Or tag them yourself, then run \`/release ${service.name}\` again:\n\`\`\`${takeOverCommand(service, instanceIds)}\`\`\``,
    );
  }
}

/** `/release check <service>`: the full pre-flight check, for anyone on one of the service's access lists. */
async function checkService(deps: SlackDeps, respond: RespondFn, user: string, name: string): Promise<void> {
  const service = deps.services[name];
  if (!service) return answer(respond, renderUserError(`There is no service called \`${escape(name)}\`.`, `Known services: ${knownServices(deps.services)}.`));
  const access = await checkAnyAccess(service, ['deploy', 'approve', 'release'], 'check', user, deps.directory);
  if (!access.allowed) return answer(respond, renderUserError(access.problem, access.valid));
  try {
    await answer(respond, renderPreflightReport(await deps.preflight.run(service, 'full')));
  } catch (error) {
    deps.logger.error({ err: error, service: name }, 'pre-flight check failed');
    await answer(respond, renderUserError(`The check could not run: ${escape((error as Error).message)}`, 'Nothing was changed. Try `npm run preflight -- <service>` on the bot\'s host for details.'));
  }
}

export function registerReleaseCommand(app: App, deps: SlackDeps): void {
  app.command(spec.command, async ({ command, ack, respond, client }) => {
    const timer = ackTimer(deps.metrics, 'command');
    await ack();
    timer.done();
    const request = parseRelease(command.text ?? '');
    if (request.kind === 'help') return answer(respond, { text: releaseHelp(Object.keys(deps.services).sort()) });
    if (request.kind === 'invalid') return answer(respond, renderUserError(request.problem, request.valid));
    const now = deps.clock.now();
    if (request.kind === 'status' || request.kind === 'history') {
      if (request.service && !deps.services[request.service]) {
        return answer(respond, renderUserError(`There is no service called \`${request.service}\`.`, `Known services: ${knownServices(deps.services)}.`));
      }
      const deploys = await deps.store.listDeploys({ kind: 'release', service: request.service, limit: request.kind === 'history' ? 10 : 50 });
      return answer(respond, request.kind === 'status' ? renderReleaseList(deploys, deps.services, now) : renderReleaseHistory(deploys, deps.services[request.service as string], now));
    }
    if (request.kind === 'check') return checkService(deps, respond, command.user_id, request.service);
    try {
      const proposal = await planRelease(deps, request, command.user_id, now);
      if (!proposal.ok) return answer(respond, renderUserError(proposal.problem, proposal.valid + (await threadLink(client, proposal.existing))));
      const refused = await channelRefusal(client, proposal.service, 'deploy and release');
      if (refused) return answer(respond, refused);
      const id = deps.newDeployId('release');
      // The plan's lock check is only a first answer: a request in another bot process may have
      // passed it too. Taking the lock is one transaction in the shared store, so one of them wins.
      const lock = await deps.store.acquireLock({ service: proposal.service.name, deployId: id, holder: command.user_id, reason: `release of ${proposal.version}`, since: now });
      if (!lock.acquired) return answer(respond, renderUserError(`A release of ${proposal.service.name} is already under way (${lock.holder.reason}).`, 'One release per service at a time.'));
      const takeOver = proposal.facts.plan.takeOver;
      if (takeOver) {
        const refused = await takeOverFleet(deps, proposal.service, id, takeOver, now);
        if (refused) {
          await deps.store.releaseLock(proposal.service.name, id);
          return answer(respond, refused);
        }
      }
      await deps.store.createDeploy(
        {
          id,
          service: proposal.service.name,
          kind: 'release',
          version: proposal.version,
          state: 'planned',
          actor: command.user_id,
          reason: request.reason ?? null,
          facts: proposal.facts as unknown as Record<string, unknown>,
          wakeAt: null,
          at: now,
        },
        { actor: command.user_id, action: 'release_planned', reason: request.reason ?? null, data: { version: proposal.version, overrideWindow: request.overrideWindow, takeOver: takeOver?.instanceIds ?? [] } },
      );
      deps.onChange();
      await answer(respond, { text: `Release plan ${id} for ${proposal.service.name} ${proposal.version} posted in <#${proposal.service.slack.deployChannel}>: press Start there.` });
    } catch (error) {
      deps.logger.error({ err: error, command: spec.command }, 'release request failed');
      await answer(respond, renderUserError(`The release could not be planned: ${(error as Error).message}`, 'Nothing was changed. Try again in a minute; if it keeps failing, the bot\'s logs say more.'));
    }
  });
}
