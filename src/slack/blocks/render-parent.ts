import type { ServiceConfig } from '../../config/catalog.js';
import type { DeployRecord } from '../../deploy/records.js';
import { context, header, section, type SlackMessage } from './build.js';
import { escape, mention } from './mrkdwn.js';
import { renderPrereleaseParent } from './prerelease-parent.js';
import { asPrerelease } from './prerelease-status.js';
import { renderReleaseParent, type ReleaseParentContext } from './release-parent.js';
import { asRelease } from './release-status.js';

/**
 * The parent message of any deploy. Kinds without a dedicated renderer, and deploys whose service
 * left the catalog, still get an honest status line instead of a failed update. `context` carries
 * what only the caller can know (the deploy window at `now`); without it the window shows as unknown.
 */
export function renderParent(deploy: DeployRecord, service: ServiceConfig | undefined, now: number, callerContext?: ReleaseParentContext): SlackMessage {
  const prerelease = asPrerelease(deploy);
  if (prerelease && service) return renderPrereleaseParent(prerelease, service, now);
  const release = asRelease(deploy);
  if (release && service) return renderReleaseParent(release, service, now, callerContext ?? { window: null });
  const title = `${deploy.kind === 'prerelease' ? 'Pre-release' : 'Release'} ${deploy.service} ${deploy.version}`;
  const status = deploy.outcome ? `finished: ${deploy.outcome.replace('_', ' ')}` : `in progress: ${deploy.state}`;
  return {
    text: `${title}: ${status}`,
    blocks: [
      header(title),
      section(`*${escape(status)}*\nRequested by ${mention(deploy.actor)}`),
      context(`Deploy \`${escape(deploy.id)}\``),
    ],
  };
}
