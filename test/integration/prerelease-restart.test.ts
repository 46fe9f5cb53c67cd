import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/deploy/ports.js';
import { PRERELEASE_ACTIONS } from '../../src/slack/blocks/prerelease-actions.js';
import { fastSoak, startWorld, USERS, waitFor, type World } from '../support/world.js';

const text = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe('a bot killed during the soak', () => {
  let world: World;

  beforeEach(async () => {
    // A soak long enough to kill the bot in the middle of it.
    world = await startWorld({ catalog: (yaml) => fastSoak(yaml).replace('minSoak: 3s', 'minSoak: 1h') });
  });

  afterEach(async () => {
    await world.close();
  });

  it('resumes after SIGKILL, launches nothing twice and keeps updating the same Slack messages', async () => {
    await world.startChild();
    await world.command(USERS.deployer, 'board 1.1.0');
    const parent = await waitFor(() => world.parents().find((p) => text(p).includes(PRERELEASE_ACTIONS.approve)), 30_000, 'the canary to soak');
    const launchesBefore = world.emulator.requests.calls('RunInstances').length;

    await world.killChild();
    world.sentry.addIssue({ title: 'RangeError: board too large', firstRelease: '1.1.0', environment: 'production', level: 'warning' });
    const updatesBeforeRestart = world.slack.workspace.calls('chat.update').length;

    await world.startChild();
    await waitFor(() => world.thread(parent).some((m) => text(m).includes('RangeError: board too large')), 20_000, 'the issue found after the restart');
    await waitFor(() => world.slack.workspace.calls('chat.update').length > updatesBeforeRestart, 10_000, 'the parent to be updated again');

    const canaries = world.emulator.state.ec2.instances().filter((i) => i.tags[TAG.role] === 'canary');
    expect(canaries).toHaveLength(1);
    expect(world.emulator.requests.calls('RunInstances').length).toBe(launchesBefore);
    expect(world.parents()).toHaveLength(1);
    const updated = world.slack.workspace.calls('chat.update').slice(updatesBeforeRestart);
    expect(updated.every((c) => c.args.ts === parent.ts)).toBe(true);
    const issueNotes = world.thread(parent).filter((m) => text(m).includes('RangeError: board too large'));
    expect(issueNotes).toHaveLength(1);

    await world.click(USERS.approver, parent, PRERELEASE_ACTIONS.reject);
    await waitFor(() => canaries.every((c) => world.emulator.state.ec2.instances().find((i) => i.instanceId === c.instanceId)?.state !== 'running'), 20_000, 'the canary to be removed after the restart');
  });
});
