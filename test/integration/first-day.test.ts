import { join } from 'node:path';
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { RELEASE_ACTIONS } from '../../src/slack/blocks/release-actions.js';
import { openRaw } from '../store/raw-sqlite.js';
import { fastRelease, startWorld, USERS, waitFor, type World } from '../support/world.js';

/**
 * The first day in a real account: the fleet serving now was launched by another tool and carries
 * only the team's own tags. The bot, holding exactly the README's IAM policy, must refuse the
 * release before it launches anything, say how to take the fleet over, and after that one step
 * release as on any other day.
 */
describe('the first release of a fleet the bot did not launch', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
  const oldFleet = () => world.emulator.state.ec2.instances().filter((i) => i.tags.service === 'board' && i.tags.role === 'fleet' && i.state === 'running');

  async function start() {
    world = await startWorld({ catalog: fastRelease, boards: { initialBoards: 30 }, unmanagedFleet: true });
    await world.startInProcess();
    return oldFleet().map((i) => i.instanceId);
  }

  async function releaseAndWait(commandText: string, checkPlan: (plan: string) => void = () => {}) {
    await world.command(USERS.approver, commandText, '/release');
    const plan = await waitFor(() => world.parents().find((p) => text(p).includes(RELEASE_ACTIONS.start)), 15_000, 'the release plan');
    checkPlan(text(plan));
    await world.click(USERS.approver, plan, RELEASE_ACTIONS.start);
    await waitFor(() => world.parents().some((p) => p.ts === plan.ts && /released/i.test(p.text)), 90_000, 'the release to finish');
    return plan;
  }

  it('is refused before any launch with the exact create-tags step; after it, the same release completes', async () => {
    const ids = await start();
    expect(ids).toHaveLength(2);
    expect(oldFleet().every((i) => !(TAG.managedBy in i.tags))).toBe(true);

    await world.command(USERS.approver, 'board 1.1.0 --reason first release with the bot', '/release');
    const refusal = await waitFor(() => world.ephemeralTexts(USERS.approver).find((e) => e.includes('not launched by the release bot')), 10_000, 'the refusal');
    expect(refusal).toContain(`2 serving servers of board were not launched by the release bot: ${ids.join(', ')}`);
    expect(refusal).toContain('/release board --adopt-fleet --reason <why>');
    const command = /aws ec2 create-tags [^`\\]*/.exec(refusal)?.[0].trim();
    expect(command).toBe(
      `aws ec2 create-tags --region eu-west-1 --resources ${ids.join(' ')} --tags Key=release-bot:managed-by,Value=release-bot Key=release-bot:service,Value=board Key=release-bot:role,Value=fleet`,
    );
    expect(world.parents()).toHaveLength(0);
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(0);
    expect(world.emulator.requests.all().filter((c) => !c.action.startsWith('Describe'))).toEqual([]);

    // The operator runs the command as printed, with the AWS CLI's request: CreateTags with these resources and tags.
    const resources = /--resources ((?:i-\S+ ?)+)/.exec(command!)![1].trim().split(' ');
    const tags = [...command!.matchAll(/Key=([^,]+),Value=(\S+)/g)].map(([, Key, Value]) => ({ Key, Value }));
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: world.env.AWS_ENDPOINT_URL_EC2, credentials: { accessKeyId: 'AKIAOPERATOR0000', secretAccessKey: 'operator-secret' } });
    await ec2.send(new CreateTagsCommand({ Resources: resources, Tags: tags }));
    ec2.destroy();

    await releaseAndWait('board 1.1.0 --reason first release with the bot');
    await waitFor(() => ids.every((id) => world.emulator.state.ec2.instance(id)?.state === 'terminated'), 10_000, 'the old servers to be terminated');
    expect(world.sim!.lost.boards).toBe(0);
    expect(world.emulator.requests.calls('TerminateInstances').every((c) => c.status === 200)).toBe(true);
  });

  it('is taken over by a releaser with --adopt-fleet and a reason, recorded in the audit trail, and released', async () => {
    const ids = await start();
    await world.command(USERS.deployer, 'board 1.1.0 --adopt-fleet --reason first release with the bot', '/release');
    await waitFor(() => world.ephemeralTexts(USERS.deployer).some((e) => e.includes('not allowed to release')), 10_000, 'the refusal of a deployer');
    expect(oldFleet().every((i) => !(TAG.managedBy in i.tags))).toBe(true);

    await releaseAndWait('board 1.1.0 --adopt-fleet --reason first release with the bot', (plan) => {
      expect(plan).toContain(`2 servers not launched by the bot taken over by <@${USERS.approver}>: first release with the bot`);
      expect(oldFleet().every((i) => i.tags[TAG.managedBy] === 'release-bot' && i.tags[TAG.service] === 'board' && !(TAG.deployId in i.tags))).toBe(true);
    });
    await waitFor(() => ids.every((id) => world.emulator.state.ec2.instance(id)?.state === 'terminated'), 10_000, 'the old servers to be terminated');
    expect(world.emulator.requests.calls('CreateTags').map((c) => c.status)).toEqual([200]);

    const db = await openRaw(join(world.env.DATA_DIR, 'release-bot.sqlite'));
    const trail = await db.all<{ actor: string; action: string; reason: string; data: string }>("SELECT actor, action, reason, data FROM audit WHERE action = 'fleet_taken_over'");
    await db.close();
    expect(trail).toEqual([{ actor: USERS.approver, action: 'fleet_taken_over', reason: 'first release with the bot', data: JSON.stringify({ instanceIds: ids }) }]);
  });

  it('refuses a release, and a pre-release, while the bot is not in the channels they would post in, with the /invite to type', async () => {
    await start();
    world.slack.workspace.setBotMember('C0RELEASE1', false);
    await world.command(USERS.approver, 'board 1.1.0 --adopt-fleet --reason first release with the bot', '/release');
    const refusal = await waitFor(() => world.ephemeralTexts(USERS.approver).find((e) => e.includes('not in <#C0RELEASE1>')), 10_000, 'the refusal');
    expect(refusal).toContain('/invite @');
    expect(world.emulator.requests.calls('CreateTags')).toHaveLength(0);

    world.slack.workspace.setBotMember('C0DEPLOYS1', false);
    await world.command(USERS.deployer, 'board 1.1.0');
    await waitFor(() => world.ephemeralTexts(USERS.deployer).some((e) => e.includes('not in <#C0DEPLOYS1>')), 10_000, 'the pre-release refusal');
    expect(world.parents()).toHaveLength(0);
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(0);
  });

  it('logs the cheap part of the pre-flight check at start-up, naming the unmanaged fleet and its fix', async () => {
    world = await startWorld({ catalog: fastRelease, boards: { initialBoards: 30 }, unmanagedFleet: true });
    await world.startChild();
    const logged = await waitFor(() => world.childLog().split('\n').find((l) => l.includes('pre-flight check of board')), 30_000, 'the start-up check in the log');
    const entry = JSON.parse(logged) as { level: number; msg: string; problems: { area: string; status: string; fix: string }[] };
    expect(entry.msg).toMatch(/^pre-flight check of board: 1 failed, \d+ warnings?, \d+ ok; run `npm run preflight -- board` for the full check$/);
    expect(entry.problems.filter((p) => p.status === 'failed')).toEqual([expect.objectContaining({ area: 'Fleet', fix: expect.stringContaining('aws ec2 create-tags --region eu-west-1') })]);
    expect(world.emulator.requests.all().filter((c) => c.errorCode === 'DryRunOperation')).toEqual([]);
  });

  it('names the unmanaged fleet and its fix in /release check, changing nothing', async () => {
    await start();
    await world.command(USERS.approver, 'check board', '/release');
    const report = await waitFor(() => world.ephemeralTexts(USERS.approver).find((e) => e.includes('Pre-flight check of board')), 30_000, 'the check');
    expect(report).toContain('❌ *Fleet:* 2 of 2 servers were not launched by the bot');
    expect(report).toContain('aws ec2 create-tags --region eu-west-1');
    expect(report).toContain('⚠️ *Retiring:* no server of the fleet is under the bot');
    expect(world.emulator.requests.all().filter((c) => c.status === 200 && !c.action.startsWith('Describe'))).toEqual([]);
  });
});
