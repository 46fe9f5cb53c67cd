import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockButtonAction, type SlashCommand, type ViewOutput } from '@slack/bolt';
import { startConsole, type RunningConsole } from '../../../src/sandbox/console/server.js';
import type { ConsoleExtras } from '../../../src/sandbox/console/console-options.js';
import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/slack/server.js';
import type { PrereleaseDeploy } from '../../../src/slack/blocks/prerelease-status.js';
import { PRERELEASE_ACTIONS } from '../../../src/slack/blocks/prerelease-actions.js';
import { renderPrereleaseParent } from '../../../src/slack/blocks/prerelease-parent.js';
import { APPROVE_REASON_CALLBACK, REASON_BLOCK, reasonFrom, reasonModal } from '../../../src/slack/blocks/reason-modal.js';
import { renderThreadNote } from '../../../src/slack/blocks/thread-note.js';
import { renderUserError } from '../../../src/slack/blocks/user-error.js';
import { MINUTE, NOW, prerelease } from '../../slack/fixtures.js';
import { exampleService } from '../../support/catalog.js';

/**
 * The console in front of the fake Slack, and a small Bolt app standing in for the release bot:
 * it answers `/prerelease` and the pre-release buttons with the real renderers, so what the
 * console shows is what the bot sends.
 */

export const TOKEN = 'xoxb-console-test';
export const SECRET = 'console-signing-secret';
export const DEPLOYS = 'C0DEPLOYS1';
export const RELEASES = 'C0RELEASE1';
export const DANA = 'U0DANA0001';
export const ALEX = 'U0ALEX0001';
export const OLLI = 'U0OLLI0001';

export const IDENTITIES = [
  { id: DANA, name: 'Dana', role: 'deployer' },
  { id: ALEX, name: 'Alex', role: 'approver' },
  { id: OLLI, name: 'Olli', role: 'not allowed' },
];

/** The stand-in bot wants a reason at least this long, so a test can see the modal's errors. */
export const MIN_REASON = 10;

export interface Received {
  commands: SlashCommand[];
  clicks: BlockButtonAction[];
  submissions: ViewOutput[];
}

export interface ConsoleWorld {
  slack: FakeSlack;
  console: RunningConsole;
  botUrl: string;
  received: Received;
  close(): Promise<void>;
}

function standInBot(slack: FakeSlack, received: Received): App {
  const service = exampleService();
  const app = new App({
    token: TOKEN,
    signingSecret: SECRET,
    botId: slack.workspace.bot.botId,
    botUserId: slack.workspace.bot.userId,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  const deploys = new Map<string, { deploy: PrereleaseDeploy; ts: string }>();

  app.command('/prerelease', async ({ ack, command, respond, client }) => {
    await ack();
    received.commands.push(command);
    const version = command.text.split(/\s+/)[1] ?? '1.1.0';
    const deploy = prerelease({ id: `pr-${String(deploys.size + 1).padStart(8, '0')}`, version, actor: command.user_id, slackChannel: DEPLOYS });
    const parent = renderPrereleaseParent(deploy, service, NOW);
    const posted = await client.chat.postMessage({ channel: DEPLOYS, ...parent });
    const ts = posted.ts as string;
    deploys.set(deploy.id, { deploy, ts });
    const notes = [
      { type: 'requested' as const, by: command.user_id, version, imageId: deploy.facts.imageId, canaries: 1 },
      { type: 'launched' as const, instances: [{ instanceId: 'i-0canary1', privateIp: '10.0.1.17' }] },
      { type: 'in_service' as const, instanceIds: ['i-0canary1'], afterMs: 4 * MINUTE },
    ];
    for (const note of notes) await client.chat.postMessage({ channel: DEPLOYS, thread_ts: ts, ...renderThreadNote(note, deploy) });
    await respond({ response_type: 'ephemeral', text: `Pre-release ${deploy.id} of board ${version} started: follow it in <#${DEPLOYS}>.` });
  });

  app.action<BlockButtonAction>(new RegExp(`^(${Object.values(PRERELEASE_ACTIONS).join('|')})$`), async ({ ack, body, action, respond, client }) => {
    await ack();
    received.clicks.push(body);
    if (body.user.id === OLLI) return void (await respond({ response_type: 'ephemeral', ...renderUserError(`<@${OLLI}> may not decide on pre-releases.`, 'Ask <!subteam^S0APPROVERS>.') }));
    if (action.action_id === PRERELEASE_ACTIONS.extend) return void (await respond({ response_type: 'ephemeral', text: 'Soak extended; the thread says until when.' }));
    if (action.action_id !== PRERELEASE_ACTIONS.approve) return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: reasonModal({ callbackId: APPROVE_REASON_CALLBACK, deployId: action.value ?? '', title: 'Approve with a reason', submit: 'Approve', problem: 'The minimum soak of 4h is not reached yet.', question: 'Why approve now?' }),
    });
  });

  app.view(APPROVE_REASON_CALLBACK, async ({ ack, body, view, client }) => {
    received.submissions.push(view);
    const reason = reasonFrom(view);
    if (!reason || reason.length < MIN_REASON) return void (await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: `Say a little more: at least ${MIN_REASON} characters.` } }));
    await ack();
    const known = deploys.get(view.private_metadata);
    if (!known) return;
    const decision = { kind: 'approved' as const, by: body.user.id, reason, at: NOW };
    const approved = { ...known.deploy, state: 'approved' as const, facts: { ...known.deploy.facts, decision } };
    await client.chat.update({ channel: DEPLOYS, ts: known.ts, ...renderPrereleaseParent(approved, service, NOW) });
    await client.chat.postMessage({ channel: DEPLOYS, thread_ts: known.ts, ...renderThreadNote({ type: 'decision', decision: 'approved', by: body.user.id, reason, soakedMs: 72 * MINUTE }, approved) });
  });
  return app;
}

export async function startConsoleWorld(options: { consoleSecret?: string; extras?: ConsoleExtras } = {}): Promise<ConsoleWorld> {
  const slack = await startFakeSlack({
    token: TOKEN,
    channels: [
      { id: DEPLOYS, name: 'deploys' },
      { id: RELEASES, name: 'releases' },
    ],
    users: IDENTITIES.map((i) => ({ id: i.id, name: i.name.toLowerCase(), realName: i.name })),
    usergroups: { S0DEPLOYERS: [DANA], S0APPROVERS: [ALEX] },
  });
  const received: Received = { commands: [], clicks: [], submissions: [] };
  const app = standInBot(slack, received);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const running = await startConsole({
    slack,
    botUrl,
    signingSecret: options.consoleSecret ?? SECRET,
    identities: IDENTITIES,
    port: 0,
    examples: ['/prerelease board 1.1.0', '/release board'],
    extras: options.extras,
  });
  return {
    slack,
    console: running,
    botUrl,
    received,
    close: async () => {
      await running.close();
      await app.stop();
      await slack.close();
    },
  };
}
