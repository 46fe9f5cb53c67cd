import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freshDrain } from '../../../src/deploy/release/facts.js';
import type { DeployRecord } from '../../../src/deploy/records.js';
import { renderParent } from '../../../src/slack/blocks/render-parent.js';
import { RELEASE_ACTIONS } from '../../../src/slack/blocks/release-actions.js';
import { renderReleaseParent } from '../../../src/slack/blocks/release-parent.js';
import type { DeployWindowView } from '../../../src/slack/blocks/release-plan.js';
import { exampleService } from '../../support/catalog.js';
import { expectAcceptedBySlack, HOUR, MINUTE, NOW, visibleText } from '../fixtures.js';
import { actionIds, buttons, draining, drainServer, newId, oldId, release, releasePlan, type Release } from './release-fixtures.js';

const service = exampleService();
const open: DeployWindowView = { open: true, description: 'Mon–Fri 00:00–24:00 Europe/Berlin' };
/** How the notifier holds every deploy: facts as plain JSON. */
const asRecord = (deploy: Release) => deploy as unknown as DeployRecord;
const render = (deploy: Release, window: DeployWindowView | null = open) => renderReleaseParent(deploy, service, NOW, { window });

describe('release parent message: the plan', () => {
  it('shows the fleet, the target version, the approval, the changelog and the window, with Start and Cancel', () => {
    const message = render(release());

    expectAcceptedBySlack(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Release board 1.1.0' } });
    const text = visibleText(message);
    expect(text).toContain('6 servers: 4 fleet, 2 canaries');
    expect(text).toContain('4 × 1.0.0, 1 × 0.9.0, 1 × 1.1.0');
    expect(text).toContain('`i-0canary110` canary of 1.1.0: adopted into the new fleet');
    expect(text).toContain('`i-0canary090` canary of 0.9.0: replaced');
    expect(text).toContain('1.0.0 → 1.1.0');
    expect(text).toContain('`ami-0fe1100` board-1.1.0');
    expect(text).toContain('✅ approved by <@U0BOB0001> after 4h 12m soak, 0 new errors');
    expect(text).toContain('42 commits\nBOARD-1, BOARD-2, BOARD-3');
    expect(text).toContain('✅ open\nMon–Fri 00:00–24:00 Europe/Berlin');
    expect(text).toContain('launch 3 new servers, adopt 1 canary');
    expect(message.text).toBe('Release board 1.1.0: 📋 planned, waiting for Start');
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.start, RELEASE_ACTIONS.cancel]);
  });

  it('asks before Start how many servers of which service are replaced, and carries only the deploy id', () => {
    const [start, cancel] = buttons(render(release()).blocks);

    expect(start).toMatchObject({ style: 'primary', value: 're-0a1b2c3d' });
    expect(start.confirm?.text.text).toBe('Replace 5 servers of board with 1.1.0? 3 new servers are launched and 1 canary is adopted; users move over in waves.');
    expect(cancel).toMatchObject({ value: 're-0a1b2c3d' });
    expect(cancel.style).toBeUndefined();
  });

  it('names the reason when no approved pre-release stands behind the version, escaped', () => {
    const plan = releasePlan(4, { prerelease: null, overrideReason: 'hotfix for <!channel> & INC-42' });
    const text = visibleText(render(release({}, {}, plan)));

    expect(text).toContain('⚠️ no approved pre-release — released with a reason: hotfix for &lt;!channel&gt; &amp; INC-42');
  });

  it('counts the Jira keys beyond the first twelve and says when older commits were not read', () => {
    const keys = Array.from({ length: 15 }, (_, i) => `BOARD-${i + 1}`);
    const plan = releasePlan(4, { changelog: { commits: 600, issueKeys: keys, omitted: 100 } });
    const text = visibleText(render(release({}, {}, plan)));

    expect(text).toContain('600 commits\nBOARD-1, BOARD-2');
    expect(text).toContain('BOARD-12 +3 more');
    expect(text).not.toContain('BOARD-13');
    expect(text).toContain('keys of the 100 oldest commits not read');
  });

  it('shows a closed window with its reason and next opening, and who overrode it', () => {
    const closed: DeployWindowView = { open: false, reason: 'change freeze until 2027-01-04: Year-end change freeze', nextOpenAt: NOW + 2 * HOUR, description: 'Mon–Fri' };
    const plan = releasePlan(4, { windowOverride: { by: 'U0DAVE001', reason: 'security fix <b>' } });
    const text = visibleText(render(release({}, {}, plan), closed));

    expect(text).toContain('⛔ closed: change freeze until 2027-01-04: Year-end change freeze');
    expect(text).toContain(`opens again <!date^${(NOW + 2 * HOUR) / 1000}^{date_short_pretty} {time}|`);
    expect(text).toContain('⚠️ overridden by <@U0DAVE001>: security fix &lt;b&gt;');
  });

  it('shows the window as unknown when the caller could not tell', () => {
    const message = renderParent(asRecord(release()), service, NOW);

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toContain('*Deploy window*\n—');
  });

  it('is dispatched by renderParent with the window the caller computed', () => {
    const message = renderParent(asRecord(release()), service, NOW, { window: open });

    expect(message).toEqual(render(release()));
  });
});

describe('release parent message: running', () => {
  it.each([
    ['launching', '🚀 launching'],
    ['registering', '⏳ waiting for healthy'],
    ['gating', '🚦 gate: new servers must take users'],
    ['closing', '🚪 closing old servers'],
    ['draining', '🌊 draining, wave 2'],
    ['retiring', '🧹 retiring'],
  ])('says %s as "%s" and offers Pause and Rollback', (state, phase) => {
    const message = render(draining(4, { state }));

    expectAcceptedBySlack(message);
    expect(message.blocks[1]).toMatchObject({ type: 'section', text: { text: `*${phase}*` } });
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.pause, RELEASE_ACTIONS.rollback]);
    const rollback = buttons(message.blocks)[1];
    expect(rollback).toMatchObject({ style: 'danger', value: 're-0a1b2c3d', confirm: { style: 'danger' } });
    expect(rollback.confirm?.text.text).toContain('Rollback moves users back to the old servers while they are warm');
  });

  it('says announcing without buttons: the old servers are gone', () => {
    const message = render(draining(4, { state: 'announcing' }));

    expect(visibleText(message)).toContain('📣 announcing');
    expect(buttons(message.blocks)).toEqual([]);
  });

  it('shows new servers healthy, boards on old and new servers, each server, the wave, the ETA and who started it', () => {
    const text = visibleText(render(draining()));

    expect(text).toContain('*New servers*\n4/4 healthy');
    expect(text).toContain('*Boards*\nold 290 → new 192');
    expect(text).toContain('*Drain*\nwave 2: 1 draining · 1 drained · 3 serving');
    // 160 boards left the old servers in 5 minutes; the 290 left take 290 / (160 / 300 s) = 9m 4s.
    expect(text).toContain('*ETA*\n~9m 4s, about <!date^');
    expect(text).toContain('(290 boards left at 0.5 boards/s)');
    expect(text).toContain(`*Old:* \`${oldId(1)}\` ✓ 0 · \`${oldId(2)}\` 🌊 40 · \`${oldId(3)}\` 100`);
    expect(text).toContain(`*New:* \`i-0canary110\` 48 · \`${newId(1)}\` 48`);
    expect(text).toContain('*Started*\nby <@U0CAROL01> at <!date^');
    expect(text).toContain('running 15m');
  });

  it('says "estimating…" until boards have moved', () => {
    const deploy = draining(4, {}, 0);

    expect(visibleText(render(deploy))).toContain('*ETA*\nestimating…');
  });

  it('shows the gate and how many boards the new servers took', () => {
    const deploy = draining(4, { state: 'gating' });
    deploy.facts.gate.passedAt = null;

    expect(visibleText(render(deploy))).toContain('*Gate*\n30 on new servers, needs 1 board');
  });

  it('shows the last problem, escaped', () => {
    const deploy = draining();
    deploy.facts.problem = 'No new wave: projected 420 boards per new server > capacity <400>';

    expect(visibleText(render(deploy))).toContain('⚠️ *Last problem:* No new wave: projected 420 boards per new server &gt; capacity &lt;400&gt;');
  });

  it('keeps old servers warm with only a Rollback button while retiring', () => {
    const deploy = draining(4, { state: 'retiring' });
    deploy.facts.retire.warmUntil = NOW + 25 * MINUTE;
    const message = render(deploy);

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toContain(`🔥 Old servers kept warm until <!date^${(NOW + 25 * MINUTE) / 1000}^{time}|`);
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.rollback]);
  });

  it('says who rolls back and why, and how many boards are still on new servers, without buttons', () => {
    const deploy = draining(4, { state: 'rolling_back' });
    deploy.facts.rollback = { by: 'U0DAVE001', reason: 'checkout errors', at: NOW - MINUTE, from: 'draining', reopenedAt: NOW - MINUTE, drain: { ...freshDrain(), servers: [drainServer(newId(1), 30, 'draining', 1), drainServer(newId(2), 12)] } };
    const message = render(deploy);

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text).toContain('*↩️ rolling back*');
    expect(text).toContain('Asked by <@U0DAVE001> at <!date^');
    expect(text).toContain('while draining: checkout errors');
    expect(text).toContain('Moving users back: 42 boards left on the new servers (1 draining · 1 serving)');
    expect(buttons(message.blocks)).toEqual([]);
  });

  it('reads a rollback drain stored by an earlier bot (servers and baseline on the rollback)', () => {
    const stored = JSON.parse(readFileSync(new URL('../../deploy/fixtures/release-paused-in-rollback-drain.v0.json', import.meta.url), 'utf8'));
    const deploy = { ...draining(4, { state: 'rolling_back' }), facts: { ...stored, pause: null, pausedFrom: null } };
    const message = renderParent(asRecord(deploy), service, NOW);

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toContain('Moving users back: 0 boards left on the new servers (4 draining)');
  });
});

describe('release parent message: paused', () => {
  it.each([
    ['unknown', '❓ *Board counts unknown*', 'Answer in the thread: *Wait* or *Terminate anyway*'],
    ['stuck', '🐢 *Not drained in time*', 'Answer in the thread: *Wait* or *Terminate anyway*'],
    ['drop', '📉 *Total boards fell*', '*Resume* accepts the new total'],
    ['user', '⏸️ *Paused* by <@U0DAVE001>', '*Resume* carries on where it stopped'],
    ['dependency', '⚠️ *A dependency failed*', '*Resume* tries again'],
  ] as const)('asks the %s question with Resume and Rollback', (kind, title, answer) => {
    const deploy = draining(4, { state: 'paused' });
    deploy.facts.pausedFrom = 'draining';
    deploy.facts.pause = { kind, reason: 'i-0old2: <no series>', instanceIds: kind === 'drop' || kind === 'user' ? [] : [oldId(2)], at: NOW - MINUTE, by: kind === 'user' ? 'U0DAVE001' : 'release-bot' };
    const message = render(deploy);

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text).toContain('*⏸️ paused while draining*');
    expect(text).toContain(`${title} at <!date^`);
    expect(text).toContain(': i-0old2: &lt;no series&gt;');
    expect(text).toContain(answer);
    expect(text).toContain('*ETA*');
    expect(actionIds(message.blocks)).toEqual([RELEASE_ACTIONS.resume, RELEASE_ACTIONS.rollback]);
  });

  it('offers only Resume when it paused during a rollback', () => {
    const deploy = draining(4, { state: 'paused' });
    deploy.facts.pausedFrom = 'rolling_back';
    deploy.facts.pause = { kind: 'stuck', reason: 'did not drain in 10m', instanceIds: [newId(1)], at: NOW - MINUTE, by: 'release-bot' };
    deploy.facts.rollback = { by: 'U0DAVE001', reason: null, at: NOW - 5 * MINUTE, from: 'draining', reopenedAt: NOW - 4 * MINUTE, drain: { ...freshDrain(), servers: [drainServer(newId(1), 5, 'stuck', 1)] } };

    expect(actionIds(render(deploy).blocks)).toEqual([RELEASE_ACTIONS.resume]);
  });
});

describe('release parent message: finished', () => {
  const finished = (outcome: Release['outcome'], patch: Partial<Release['facts']> = {}) => {
    const deploy = draining(4, { state: 'done', outcome, finishedAt: NOW - MINUTE });
    Object.assign(deploy.facts, patch);
    return deploy;
  };

  it('says how long a release took, its waves, the boards moved and what Jira did, without buttons', () => {
    const deploy = finished('released', { jira: { attempted: true, results: [{ key: 'BOARD-1', transitioned: true, commented: true, problem: null }, { key: 'BOARD-2', transitioned: false, commented: false, problem: 'no transition Done' }], fixVersion: 'board-1.1.0', problem: null } });
    const message = render(deploy);

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text).toContain('*✅ released*');
    expect(text).toContain('Released in 14m · 2 waves · 450 boards moved');
    expect(text).toContain('Jira: 1 issue done · ⚠️ 1 failed · fix version board-1.1.0');
    expect(text).toContain('took 14m');
    expect(text).not.toContain('*ETA*');
    expect(buttons(message.blocks)).toEqual([]);
  });

  it('says who rolled back and why', () => {
    const message = render(finished('rolled_back', { rollback: { by: 'U0DAVE001', reason: 'errors <spiked>', at: NOW - 5 * MINUTE, from: 'gating', reopenedAt: null, drain: freshDrain() } }));

    expect(visibleText(message)).toContain('Rolled back by <@U0DAVE001> while gating: errors &lt;spiked&gt;');
    expect(buttons(message.blocks)).toEqual([]);
  });

  it('says a cancelled release changed nothing', () => {
    const deploy = release({ state: 'done', outcome: 'cancelled', finishedAt: NOW - MINUTE });
    const message = render(deploy);

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toContain('*🚫 cancelled*\nCancelled before it started; nothing was changed.');
    expect(buttons(message.blocks)).toEqual([]);
  });

  it('says why a release failed', () => {
    const message = render(finished('failed', { problem: 'InsufficientInstanceCapacity & more' }));

    expect(visibleText(message)).toContain('*Failed:* InsufficientInstanceCapacity &amp; more');
    expect(buttons(message.blocks)).toEqual([]);
  });
});

describe('release parent message: a 30-server fleet', () => {
  const big = () => {
    const deploy = draining(30);
    deploy.facts.drain.servers = deploy.facts.drain.servers.map((s, i) => (i % 7 === 3 ? { ...s, boards: null, unknown: 'up == 0' } : i % 5 === 4 ? { ...s, phase: 'stuck' as const } : s));
    return deploy;
  };

  it('stays within Slack limits in every state and names only the servers that need a look', () => {
    for (const state of ['planned', 'launching', 'gating', 'draining', 'paused', 'retiring', 'rolling_back']) {
      const deploy = big();
      deploy.state = state;
      deploy.facts.pause = { kind: 'stuck', reason: 'x'.repeat(5000), instanceIds: deploy.facts.drain.servers.map((s) => s.instanceId), at: NOW, by: 'release-bot' };
      deploy.facts.problem = 'y'.repeat(5000);
      expectAcceptedBySlack(render(deploy));
    }
    const text = visibleText(render(big()));
    expect(text).not.toContain('*Old:*');
    const named = /\*Need a look:\* (.*)/.exec(text)?.[1] ?? '';
    expect(named.split(', ')).toHaveLength(9);
    expect(named).toMatch(new RegExp(`^\`${oldId(4)}\`, \`${oldId(5)}\``));
  });

  it('says the ETA is unknown while a count is unknown rather than guessing', () => {
    expect(visibleText(render(big()))).toContain('*ETA*\nestimating…');
  });
});
