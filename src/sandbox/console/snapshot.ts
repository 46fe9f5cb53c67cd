import type { FakeChannel, FakeEphemeral, FakeMessage, FakeWorkspace } from '../slack/workspace.js';
import type { ConsoleChart, ConsoleExtras, ConsoleIdentity, ConsolePanel } from './console-options.js';
import type { ConsoleView } from './open-views.js';

/** Everything the page needs to draw itself for one person; `/api/state` answers it. */
export interface ConsoleState {
  team: { id: string; name: string };
  bot: { userId: string; name: string };
  you: string;
  identities: ConsoleIdentity[];
  channels: FakeChannel[];
  /** For mentions: display name by user ID. */
  users: { id: string; name: string; isBot: boolean }[];
  usergroups: Record<string, string[]>;
  /** Every message of every channel, thread replies included, oldest first per channel. */
  messages: FakeMessage[];
  /** Only the ephemerals sent to `you`. */
  ephemerals: FakeEphemeral[];
  /** Only the modals open for `you`. */
  views: ConsoleView[];
  examples: string[];
  banner: string | null;
  panels: ConsolePanel[];
  charts: ConsoleChart[];
}

export interface SnapshotSource {
  workspace: FakeWorkspace;
  identities: ConsoleIdentity[];
  views: (user: string) => ConsoleView[];
  examples: string[];
  extras: ConsoleExtras;
}

export function snapshot(source: SnapshotSource, you: string): ConsoleState {
  const ws = source.workspace;
  const names = new Map(source.identities.map((i) => [i.id, i.name]));
  return {
    team: { id: ws.teamId, name: ws.teamName },
    bot: { userId: ws.bot.userId, name: ws.bot.name },
    you,
    identities: source.identities,
    channels: ws.channels,
    users: ws.users.map((u) => ({ id: u.id, name: names.get(u.id) ?? u.realName ?? u.name, isBot: u.isBot ?? false })),
    usergroups: ws.usergroups,
    messages: ws.channels.flatMap((c) => ws.messages(c.id).flatMap((m) => [m, ...ws.thread(c.id, m.ts)])),
    ephemerals: ws.ephemerals(you),
    views: source.views(you),
    examples: source.examples,
    banner: source.extras.banner ?? null,
    panels: source.extras.panels ?? [],
    charts: source.extras.charts ?? [],
  };
}
