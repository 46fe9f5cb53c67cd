import { expect } from 'vitest';
import { initialPrereleaseFacts, type PrereleaseFacts } from '../../src/deploy/prerelease/facts.js';
import type { DeployRecord } from '../../src/deploy/records.js';
import type { SlackMessage } from '../../src/slack/blocks/build.js';
import { validateBlocks } from '../../src/slack/blocks/validate.js';

export const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
export const HOUR = 3600_000;
export const MINUTE = 60_000;

/** A pre-release of board 1.42.0, soaking for 1h 12m unless the test says otherwise. */
export function prerelease(
  patch: Partial<Omit<DeployRecord<PrereleaseFacts>, 'facts'>> = {},
  facts: Partial<PrereleaseFacts> = {},
): DeployRecord<PrereleaseFacts> {
  const base = initialPrereleaseFacts({ imageId: 'ami-0abc1234', name: 'board-1.42.0', commit: 'c0ffee1' }, 1, { version: '1.41.0', commit: 'beef001' });
  return {
    id: 'pr-0a1b2c3d',
    service: 'board',
    kind: 'prerelease',
    version: '1.42.0',
    state: 'soaking',
    outcome: null,
    actor: 'U0ALICE01',
    reason: null,
    createdAt: NOW - 2 * HOUR,
    updatedAt: NOW - MINUTE,
    wakeAt: NOW + MINUTE,
    finishedAt: null,
    slackChannel: 'C0DEPLOYS1',
    slackTs: '1732358400.000100',
    hold: null,
    ...patch,
    facts: {
      ...base,
      instanceIds: ['i-0canary1'],
      privateIps: { 'i-0canary1': '10.0.1.17' },
      launchedAt: NOW - 90 * MINUTE,
      inServiceAt: NOW - 72 * MINUTE,
      soakStartedAt: NOW - 72 * MINUTE,
      health: { 'i-0canary1': 'healthy' },
      sentry: { ok: true, checkedAt: NOW - MINUTE, problem: null, since: null },
      changelogPosted: true,
      ...facts,
    },
  };
}

/** Slack would accept it: every limit holds and there is a fallback text. */
export function expectAcceptedBySlack(message: SlackMessage): void {
  expect(validateBlocks(message.blocks)).toEqual([]);
  expect(message.text.trim()).not.toBe('');
}

/** All text a reader sees in the blocks, for assertions about content. */
export function visibleText(message: SlackMessage): string {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'text' && typeof inner === 'string') texts.push(inner);
      else walk(inner);
    }
  };
  walk(message.blocks);
  return texts.join('\n');
}
