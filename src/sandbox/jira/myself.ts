import type { JiraUser } from './auth.js';
import type { Actor } from './jira-state.js';

export interface Signed {
  user: JiraUser;
  actor: Actor;
  scheme: 'basic' | 'bearer';
  /** The user's position among the fake's users, which numbers Data Center's user keys. */
  index: number;
}

const DEFAULT_TIME_ZONE = 'Etc/UTC';

/**
 * `GET /myself`, shaped as the installation the credentials belong to: an email and API token
 * sign in to Jira Cloud, which names users by account ID only (GDPR removed `name` and `key`);
 * a personal access token signs in to Data Center, which still names them by `name` and `key`.
 */
export function myselfJson(base: string, signed: Signed) {
  const { user, actor } = signed;
  const common = {
    ...(user.email ? { emailAddress: user.email } : {}),
    displayName: user.displayName,
    active: true,
    timeZone: user.timeZone ?? DEFAULT_TIME_ZONE,
    locale: 'en_US',
    groups: { size: 1, items: [] },
    applicationRoles: { size: 1, items: [] },
    expand: 'groups,applicationRoles',
  };
  if (signed.scheme === 'basic') {
    return {
      self: `${base}/rest/api/2/user?accountId=${actor.accountId}`,
      accountId: actor.accountId,
      accountType: 'atlassian',
      avatarUrls: avatars(`${base}/secure/useravatar?ownerId=${actor.accountId}`),
      ...common,
    };
  }
  const name = user.username ?? user.email?.split('@')[0] ?? user.displayName.toLowerCase().replace(/\s+/g, '.');
  return {
    self: `${base}/rest/api/2/user?username=${encodeURIComponent(name)}`,
    key: `JIRAUSER${10_000 + signed.index}`,
    name,
    avatarUrls: avatars(`${base}/secure/useravatar?avatarId=10122`),
    deleted: false,
    ...common,
  };
}

function avatars(url: string) {
  return { '48x48': url, '24x24': `${url}&size=small`, '16x16': `${url}&size=xsmall`, '32x32': `${url}&size=medium` };
}
