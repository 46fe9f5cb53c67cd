import type { FakeChannel, FakeWorkspace } from './workspace.js';

/**
 * A channel as conversations.info describes it to the bot. Legacy private channels (`G…` IDs)
 * are groups rather than channels in Slack's flags; newer private channels have `C…` IDs and
 * say `is_private` only.
 */
export function conversationJson(ws: FakeWorkspace, channel: FakeChannel) {
  const legacyGroup = channel.id.startsWith('G');
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    is_channel: !legacyGroup,
    is_group: legacyGroup,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate ?? legacyGroup,
    is_archived: channel.archived === true,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: ws.isBotMember(channel),
    context_team_id: ws.teamId,
  };
}
