import type { App } from '@slack/bolt';
import { parseRelease, releaseHelp, spec } from '../../../commands/release.js';
import { knownServices } from '../../deploy/prerelease/request.js';
import { planRelease } from '../../deploy/release/request.js';
import { createKeyedMutex } from '../../util/keyed-mutex.js';
import { renderReleaseHistory, renderReleaseList } from '../blocks/release-list.js';
import { renderUserError } from '../blocks/user-error.js';
import type { SlackDeps } from '../deps.js';
import { ackTimer } from './ack-timer.js';
import { answer, threadLink } from './reply.js';

export function registerReleaseCommand(app: App, deps: SlackDeps): void {
  // Plans for one service are checked and recorded one at a time, so the lock cannot be raced.
  const perService = createKeyedMutex();

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
    try {
      await perService(request.service, async () => {
        const proposal = await planRelease(deps, request, command.user_id, now);
        if (!proposal.ok) return answer(respond, renderUserError(proposal.problem, proposal.valid + (await threadLink(client, proposal.existing))));
        const id = deps.newDeployId('release');
        const lock = await deps.store.acquireLock({ service: proposal.service.name, deployId: id, holder: command.user_id, reason: `release of ${proposal.version}`, since: now });
        if (!lock.acquired) return answer(respond, renderUserError(`A release of ${proposal.service.name} is already under way (${lock.holder.reason}).`, 'One release per service at a time.'));
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
          { actor: command.user_id, action: 'release_planned', reason: request.reason ?? null, data: { version: proposal.version, overrideWindow: request.overrideWindow } },
        );
        deps.onChange();
        await answer(respond, { text: `Release plan ${id} for ${proposal.service.name} ${proposal.version} posted in <#${proposal.service.slack.deployChannel}>: press Start there.` });
      });
    } catch (error) {
      deps.logger.error({ err: error, command: spec.command }, 'release request failed');
      await answer(respond, renderUserError(`The release could not be planned: ${(error as Error).message}`, 'Nothing was changed. Try again in a minute; if it keeps failing, the bot\'s logs say more.'));
    }
  });
}
