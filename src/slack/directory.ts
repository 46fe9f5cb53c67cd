import type { WebClient } from '@slack/web-api';
import type { Directory } from '../deploy/ports.js';
import { slackError } from './slack-errors.js';

/** User group membership from Slack, cached briefly so a burst of clicks costs one call. */
export function createSlackDirectory(client: WebClient, ttlMs = 60_000, now = () => Date.now()): Directory {
  const cache = new Map<string, { members: string[]; at: number }>();
  return {
    async membersOf(groupId) {
      const hit = cache.get(groupId);
      if (hit && now() - hit.at < ttlMs) return hit.members;
      try {
        const answer = await client.usergroups.users.list({ usergroup: groupId });
        const members = answer.users ?? [];
        cache.set(groupId, { members, at: now() });
        return members;
      } catch (error) {
        throw slackError(error, `reading the members of user group ${groupId}`);
      }
    },
  };
}
