import { expect } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import type { DeployStore } from '../../src/deploy/store-port.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
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

type Store = Pick<DeployStore, 'getDeploy' | 'audit' | 'listDeploys'>;
const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

/**
 * Approve pressed by every sender at the same moment on the soaking pre-release: one approval is
 * recorded and carried out, the others are told it is being carried out, and the canary launched
 * once stays running.
 */
export async function expectOneApproval(world: World, store: Store, senders: Sender[]): Promise<void> {
  const parent = await waitFor(() => world.parents().find((p) => text(p).includes(PRERELEASE_ACTIONS.approve)), 30_000, 'the canary to soak');
  const [deploy] = await store.listDeploys({ kind: 'prerelease' });
  // Past the minimum soak, so Approve records at once instead of asking for a reason.
  await waitFor(async () => ((await store.getDeploy(deploy.id))!.facts.soakStartedAt as number) + 3_000 < Date.now(), 10_000, 'the minimum soak');

  const answers = await clickTogether(world, parent.ts, PRERELEASE_ACTIONS.approve, senders);
  expect(answers.filter((a) => a.includes('Approval recorded'))).toHaveLength(1);
  expect(answers.filter((a) => /already being carried out|has ended \(approved\)/.test(a))).toHaveLength(senders.length - 1);

  await waitFor(async () => (await store.getDeploy(deploy.id))?.outcome === 'approved', 15_000, 'the approval');
  expect((await store.audit({ deployId: deploy.id })).filter((a) => a.action === 'approve')).toHaveLength(1);
  expect(world.emulator.requests.calls('RunInstances')).toHaveLength(1);
  expect(world.emulator.requests.calls('TerminateInstances')).toHaveLength(0);
  expect(world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === deploy.id).map((i) => i.state)).toEqual(['running']);
}

/** Start pressed by every sender at the same moment on the release plan: one release, one RunInstances batch, one set of new servers. */
export async function expectOneStart(world: World, store: Store, senders: Sender[]): Promise<void> {
  const fleet = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.role] === 'fleet' && i.state === 'running');
  const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 15_000, 'the release plan');
  const [release] = await store.listDeploys({ kind: 'release' });
  const launchesBefore = world.emulator.requests.calls('RunInstances').length;

  const answers = await clickTogether(world, plan.ts, RELEASE_ACTIONS.start, senders);
  expect(answers.filter((a) => a.includes('Release started'))).toHaveLength(1);
  expect(answers.filter((a) => /already pressed|already started/.test(a))).toHaveLength(senders.length - 1);

  const launched = () => world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.deployId] === release.id);
  await waitFor(() => launched().length === fleet.length && launched().every((i) => i.state === 'running'), 30_000, 'the new servers to run');
  await waitFor(async () => !['planned', 'launching'].includes((await store.getDeploy(release.id))!.state), 30_000, 'the release to move past launching');
  expect(world.emulator.requests.calls('RunInstances').length - launchesBefore).toBe(1);
  expect(launched()).toHaveLength(fleet.length);
  expect((await store.audit({ deployId: release.id })).filter((a) => a.action === 'start')).toHaveLength(1);
}
