import type { App } from '@slack/bolt';
import { parsePrerelease, prereleaseHelp, spec } from '../../../commands/prerelease.js';
import { alreadyRunning, planPrerelease, type Refusal } from '../../deploy/prerelease/request.js';
import { renderPrereleaseList } from '../blocks/prerelease-list.js';
import { renderUserError } from '../blocks/user-error.js';
import type { SlackDeps } from '../deps.js';
import { ackTimer } from './ack-timer.js';
import { channelRefusal } from './channel-check.js';
import { answer, threadLink } from './reply.js';

export function registerPrereleaseCommand(app: App, deps: SlackDeps): void {
  app.command(spec.command, async ({ command, ack, respond, client }) => {
    const timer = ackTimer(deps.metrics, 'command');
    await ack();
    timer.done();
    const request = parsePrerelease(command.text ?? '');
    if (request.kind === 'help') return answer(respond, { text: prereleaseHelp(Object.keys(deps.services).sort()) });
    if (request.kind === 'invalid') return answer(respond, renderUserError(request.problem, request.valid));
    if (request.kind === 'list') {
      const deploys = await deps.store.listDeploys({ kind: 'prerelease', limit: 20 });
      return answer(respond, renderPrereleaseList(deploys, deps.services, deps.clock.now()));
    }
    const refuse = async (refusal: Refusal) => answer(respond, renderUserError(refusal.problem, refusal.valid + (await threadLink(client, refusal.existing))));
    try {
      const plan = await planPrerelease(deps, request.service, request.version, command.user_id);
      if (!plan.ok) return refuse(plan);
      const refused = await channelRefusal(client, plan.service, 'deploy');
      if (refused) return answer(respond, refused);
      const now = deps.clock.now();
      // The plan's "already running" check is only a first answer: a request for the same version in
      // another bot process may have passed it too. The store creates one of the two.
      const created = await deps.store.createDeployUnlessRunning(
        {
          id: deps.newDeployId('prerelease'),
          service: plan.service.name,
          kind: 'prerelease',
          version: plan.version,
          state: 'requested',
          actor: command.user_id,
          reason: null,
          facts: plan.facts as unknown as Record<string, unknown>,
          wakeAt: now,
          at: now,
        },
        { actor: command.user_id, action: 'prerelease_requested', data: { version: plan.version, imageId: plan.image.imageId } },
      );
      if ('running' in created) return refuse(alreadyRunning(created.running));
      deps.onChange();
      await answer(respond, {
        text: `Pre-release ${created.created.id} of ${plan.service.name} ${plan.version} started: follow it in <#${plan.service.slack.deployChannel}>.`,
      });
    } catch (error) {
      deps.logger.error({ err: error, command: spec.command }, 'pre-release request failed');
      await answer(respond, renderUserError(`The pre-release could not be checked: ${(error as Error).message}`, 'Nothing was launched. Try again in a minute; if it keeps failing, the bot\'s logs say more.'));
    }
  });
}
