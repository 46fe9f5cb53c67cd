import { RELEASE_ACTIONS } from '../src/slack/blocks/release-actions.js';
import { SANDBOX_USERS, type Sandbox } from '../src/sandbox/run/start-sandbox.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../src/sandbox/slack/signing.js';
import type { FakeMessage } from '../src/sandbox/slack/workspace.js';
import { pollUntil } from './poll-until.js';

const RELEASER = SANDBOX_USERS.find((u) => u.role === 'approver') as (typeof SANDBOX_USERS)[number];
const POLL_MS = 100;
/** Outcomes and pauses that mean the swap will not finish by itself. */
const STOPPED = /rolled back|failed|cancelled|paused/i;

function startButton(message: FakeMessage): { blockId: string; value: string } | null {
  for (const block of (message.blocks ?? []) as { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] }[]) {
    const element = block.elements?.find((e) => e.action_id === RELEASE_ACTIONS.start);
    if (block.type === 'actions' && element) return { blockId: block.block_id ?? 'actions', value: element.value ?? '' };
  }
  return null;
}

function visibleText(message: FakeMessage): string {
  return [message.text ?? '', ...((message.blocks ?? []) as { text?: { text?: string } }[]).map((b) => b.text?.text ?? '')].join(' | ');
}

/**
 * A guided swap as a releaser does it: `/release board <version> --reason bench` in the deploy
 * channel, Start on the plan the bot posts, then the bot alone until the plan message says
 * released. `started` is called the moment Start is sent.
 */
export async function guidedSwap(sandbox: Sandbox, version: string, started: () => void, timeoutMs: number): Promise<void> {
  const { slack, botUrl, signingSecret } = sandbox;
  const channel = sandbox.service.slack.deployChannel;
  const before = new Set(slack.workspace.messages(channel).map((m) => m.ts));
  const command = await sendSigned(
    botUrl,
    signingSecret,
    slashCommandBody({
      command: '/release',
      text: `${sandbox.service.name} ${version} --reason bench`,
      user_id: RELEASER.id,
      user_name: RELEASER.name,
      channel_id: channel,
      team_id: 'T0SANDBOX1',
      response_url: slack.createResponseUrl({ user: RELEASER.id, channel }),
      trigger_id: `${Date.now()}.bench`,
    }),
  );
  if (!command.ok) throw new Error(`/release answered HTTP ${command.status}: ${await command.text()}`);

  const plan = await pollUntil(() => slack.workspace.messages(channel).find((m) => !before.has(m.ts) && startButton(m) !== null), 30_000, POLL_MS, 'the release plan with a Start button');
  const button = startButton(plan) as { blockId: string; value: string };
  started();
  const click = await sendSigned(
    botUrl,
    signingSecret,
    blockActionsBody({
      user: { id: RELEASER.id },
      channel: { id: channel },
      message: { ts: plan.ts, blocks: plan.blocks ?? [], text: plan.text },
      actions: [{ action_id: RELEASE_ACTIONS.start, block_id: button.blockId, value: button.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
      response_url: slack.createResponseUrl({ user: RELEASER.id, channel, messageTs: plan.ts }),
      trigger_id: `${Date.now()}.bench-start`,
    }),
  );
  if (!click.ok) throw new Error(`Start answered HTTP ${click.status}: ${await click.text()}`);

  await pollUntil(
    () => {
      const parent = slack.workspace.find(channel, plan.ts) ?? plan;
      if (STOPPED.test(parent.text ?? '')) throw new Error(`the release stopped: ${visibleText(parent)}`);
      return /released/i.test(parent.text ?? '');
    },
    timeoutMs,
    POLL_MS,
    'the release plan to say released',
  );
}
