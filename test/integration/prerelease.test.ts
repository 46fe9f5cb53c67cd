import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { APPROVE_REASON_CALLBACK, REASON_ACTION, REASON_BLOCK } from '../../src/slack/blocks/reason-modal.js';
import { openStore } from '../../src/store/open-store.js';
import { startWorld, USERS, waitFor, type World } from '../support/world.js';
import { join } from 'node:path';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe('a pre-release over the real Bolt app in HTTP mode, with signed requests', () => {
  let world: World;

  beforeEach(async () => {
    world = await startWorld();
    await world.startInProcess();
  });

  afterEach(async () => {
    await world.close();
  });

  async function soakingParent(version: string) {
    return waitFor(() => world.parents().find((p) => text(p).includes(version) && text(p).includes(PRERELEASE_ACTIONS.approve)), 20_000, `the ${version} canary to soak`);
  }

  const canaries = (version: string) =>
    world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.role] === 'canary' && i.tags[TAG.version] === version);

  it('launches, reports healthy, posts the changelog and a new Sentry issue, and is approved early with a reason', async () => {
    const answer = await world.command(USERS.deployer, 'board 1.1.0');
    expect(answer.status).toBe(200);

    const parent = await soakingParent('1.1.0');
    const thread = () => world.thread(parent).map(text).join('\n');
    await waitFor(() => thread().includes('BOARD-1'), 5_000, 'the changelog in the thread');
    expect(thread()).toMatch(/in service/i);
    expect(canaries('1.1.0')).toHaveLength(1);
    expect(canaries('1.1.0')[0].state).toBe('running');

    world.sentry.addIssue({ title: 'TypeError: cursor is undefined', firstRelease: '1.1.0', environment: 'production', level: 'warning', count: 4, userCount: 2 });
    await waitFor(() => thread().includes('TypeError: cursor is undefined'), 10_000, 'the new issue in the thread');

    await world.click(USERS.deployer, parent, PRERELEASE_ACTIONS.approve);
    await waitFor(() => world.ephemeralTexts(USERS.deployer).some((e) => e.includes('not allowed to approve')), 5_000, 'the refusal for a non-approver');

    await world.click(USERS.approver, parent, PRERELEASE_ACTIONS.approve);
    const modal = await waitFor(() => world.slack.workspace.views().at(-1), 5_000, 'the reason dialog');
    expect(modal.view.callback_id).toBe(APPROVE_REASON_CALLBACK);
    const submitted = await world.submitView(USERS.approver, { id: modal.id, callback_id: APPROVE_REASON_CALLBACK, private_metadata: String(modal.view.private_metadata) }, {
      [REASON_BLOCK]: { [REASON_ACTION]: { type: 'plain_text_input', value: 'hotfix for BOARD-112, checked the warning' } },
    });
    expect(submitted.status).toBe(200);

    await waitFor(() => world.parents().some((p) => p.ts === parent.ts && /approved/i.test(p.text)), 10_000, 'the parent to say approved');
    await waitFor(() => /hotfix for BOARD-112/.test(thread()), 5_000, 'the decision with its reason in the thread');
    expect(canaries('1.1.0')[0].state).toBe('running');
    expect(world.parents()).toHaveLength(1);

    const store = await openStore({ file: join(world.env.DATA_DIR, 'release-bot.sqlite') });
    const deploys = await store.listDeploys({ service: 'board' });
    const audit = await store.audit({ deployId: deploys[0].id });
    await store.close();
    expect(deploys[0]).toMatchObject({ state: 'done', outcome: 'approved' });
    expect(audit.find((a) => a.action === 'approve')).toMatchObject({ actor: USERS.approver, reason: 'hotfix for BOARD-112, checked the warning' });
  });

  it('rolls back by itself when a fatal error first seen in the release appears', async () => {
    await world.command(USERS.deployer, 'board 1.2.0');
    const parent = await soakingParent('1.2.0');
    world.sentry.addIssue({ title: 'OutOfMemoryError in board loader', firstRelease: '1.2.0', environment: 'production', level: 'fatal' });
    await waitFor(() => world.parents().some((p) => p.ts === parent.ts && /rolled back/i.test(text(p))), 15_000, 'the automatic rollback');
    await waitFor(() => canaries('1.2.0').every((i) => i.state === 'terminated' || i.state === 'shutting-down'), 10_000, 'the canary to be terminated');
    const fleet = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.role] === 'fleet');
    expect(fleet.every((i) => i.state === 'running')).toBe(true);
    expect(world.thread(parent).map(text).join('\n')).toContain('OutOfMemoryError in board loader');
  });

  it('removes the canary when an approver rejects it', async () => {
    await world.command(USERS.deployer, 'board 1.1.0');
    const parent = await soakingParent('1.1.0');
    await world.click(USERS.approver, parent, PRERELEASE_ACTIONS.reject);
    await waitFor(() => world.parents().some((p) => p.ts === parent.ts && /rejected/i.test(text(p))), 15_000, 'the rejection');
    await waitFor(() => canaries('1.1.0').every((i) => i.state !== 'running'), 10_000, 'the canary to be terminated');
    expect(world.emulator.requests.calls('DeregisterTargets').length).toBeGreaterThan(0);
  });

  it('answers mistakes privately, with what would be valid, and launches nothing', async () => {
    await world.command(USERS.deployer, 'boards 1.1.0');
    await world.command(USERS.deployer, 'board 9.9.9');
    await world.command(USERS.deployer, 'board');
    await world.command(USERS.outsider, 'board 1.1.0');
    await waitFor(() => world.ephemeralTexts(USERS.deployer).length >= 3 && world.ephemeralTexts(USERS.outsider).length >= 1, 10_000, 'four answers');
    const answers = world.ephemeralTexts(USERS.deployer).join('\n');
    expect(answers).toContain('Known services: board');
    expect(answers).toMatch(/Newest available versions: 1\.2\.0, 1\.1\.0, 1\.0\.0/);
    expect(answers).toContain('version is missing');
    expect(world.ephemeralTexts(USERS.outsider).join('\n')).toContain('not allowed to pre-release board');
    expect(world.emulator.requests.calls('RunInstances')).toHaveLength(0);
    expect(world.parents()).toHaveLength(0);
  });
});
