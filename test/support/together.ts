import { expect } from 'vitest';
import { USERS, waitFor, type BotProcess, type World } from './world.js';

/** Two people who may both approve and release: Alex through the group, and a second one listed by user ID. */
export const FIRST = USERS.approver;
export const SECOND = USERS.outsider;

/** The catalog with SECOND on the approve and release lists too. */
export function twoApprovers(yaml: string): string {
  return yaml.replace('approve: [S0APPROVERS]', `approve: [S0APPROVERS, ${SECOND}]`).replace('release: [S0APPROVERS]', `release: [S0APPROVERS, ${SECOND}]`);
}

/** Whose answer to wait for, and which bot process gets the request (the world's own when absent). */
export interface Sender {
  user: string;
  to?: BotProcess;
}

/** Sends every request at the same moment (all signed requests in flight together); returns the private answers each sender got. */
async function together(world: World, senders: Sender[], send: (sender: Sender) => Promise<{ status: number }>): Promise<string[]> {
  const users = [...new Set(senders.map((s) => s.user))];
  const seen = new Map(users.map((u) => [u, world.slack.workspace.ephemerals(u).length]));
  const expected = new Map(users.map((u) => [u, senders.filter((s) => s.user === u).length]));
  const responses = await Promise.all(senders.map(send));
  expect(responses.map((r) => r.status)).toEqual(senders.map(() => 200));
  const answered = () => users.every((u) => world.slack.workspace.ephemerals(u).length >= seen.get(u)! + expected.get(u)!);
  await waitFor(answered, 30_000, 'every sender to be answered');
  return users.flatMap((u) => world.ephemeralTexts(u).slice(seen.get(u)));
}

/** Clicks `actionId` on the parent message with that ts, as every sender at the same moment. */
export function clickTogether(world: World, parentTs: string, actionId: string, senders: Sender[]): Promise<string[]> {
  const parent = world.parents().find((p) => p.ts === parentTs)!;
  return together(world, senders, (s) => world.click(s.user, parent, actionId, s.to));
}

/** Types the same slash command as every sender at the same moment. */
export function commandTogether(world: World, command: string, text: string, senders: Sender[]): Promise<string[]> {
  return together(world, senders, (s) => world.command(s.user, text, command, s.to));
}
