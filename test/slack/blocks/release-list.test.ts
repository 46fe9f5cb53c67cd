import { describe, expect, it } from 'vitest';
import { freshDrain } from '../../../src/deploy/release/facts.js';
import type { DeployRecord } from '../../../src/deploy/records.js';
import { renderReleaseHistory, renderReleaseList } from '../../../src/slack/blocks/release-list.js';
import { exampleService } from '../../support/catalog.js';
import { expectAcceptedBySlack, HOUR, MINUTE, NOW, prerelease, visibleText } from '../fixtures.js';
import { buttons, draining, release, type Release } from './release-fixtures.js';

const service = exampleService();
const services = { board: service };
const records = (...deploys: Release[]) => deploys as unknown as DeployRecord[];

/** A finished release of `version`, started `hoursAgo` and taking 40 minutes. */
function past(version: string, hoursAgo: number, outcome: Release['outcome'] = 'released'): Release {
  const startedAt = NOW - hoursAgo * HOUR;
  const deploy = release({ id: `re-${version.replace(/\./g, '')}aaaa`, version, state: 'done', outcome, createdAt: startedAt - MINUTE, finishedAt: startedAt + 40 * MINUTE });
  deploy.facts.startedBy = 'U0CAROL01';
  deploy.facts.startedAt = startedAt;
  return deploy;
}

describe('/release status', () => {
  it('lists running releases with their phase, progress, ETA, who and where', () => {
    const message = renderReleaseList(records(draining(), past('1.0.0', 30)), services, NOW);

    expectAcceptedBySlack(message);
    const text = visibleText(message);
    expect(text).toContain('• *board 1.1.0* · 🌊 draining, wave 2 · new 4/4 healthy · boards old 290 → new 192 · ETA ~9m 4s');
    expect(text).toContain('by <@U0CAROL01>');
    expect(text).toContain('<#C0DEPLOYS1>');
    expect(text).not.toContain('1.0.0 ✅');
    expect(message.text).toBe('Releases: 1 running');
    expect(buttons(message.blocks)).toEqual([]);
  });

  it('shows a planned release as waiting for Start, and the gate while gating', () => {
    const gating = draining(4, { id: 're-0000gate', state: 'gating' });
    gating.facts.gate.passedAt = null;
    const text = visibleText(renderReleaseList(records(release(), gating), services, NOW));

    expect(text).toContain('• *board 1.1.0* · 📋 planned, waiting for Start · planned by <@U0ALICE01>');
    expect(text).toContain('🚦 gate: new servers must take users · new 4/4 healthy · boards old 290 → new 192 · gate 30/1 boards');
  });

  it('says no release is running and names the last one', () => {
    const message = renderReleaseList(records(past('1.0.0', 30), past('1.1.0', 2, 'rolled_back')), services, NOW);

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toContain('No release running.\nLast: *board 1.1.0* ↩️ rolled back · by <@U0CAROL01> · <!date^');
    expect(visibleText(message)).toContain('took 40m');
    expect(message.text).toBe('Releases: none running');
  });

  it('says so when no release was ever recorded, ignoring pre-releases', () => {
    const text = visibleText(renderReleaseList([prerelease() as unknown as DeployRecord], services, NOW));

    expect(text).toContain('No release running.\nNo release recorded yet.');
  });

  it('stays within Slack limits with fifty running releases', () => {
    const many = Array.from({ length: 50 }, (_, i) => draining(30, { id: `re-${String(i).padStart(8, '0')}`, service: `service-${i}` }));
    const message = renderReleaseList(records(...many), services, NOW);

    expectAcceptedBySlack(message);
    expect(visibleText(message)).toMatch(/… and \d+ more releases not shown/);
  });
});

describe('/release history', () => {
  it('lists the last ten releases of the service, newest first, with version, outcome, who, when and duration', () => {
    const history = Array.from({ length: 12 }, (_, i) => past(`1.${i}.0`, 24 * (12 - i)));
    const other = { ...past('9.9.9', 1), service: 'search' };
    const message = renderReleaseHistory(records(...history, other), service, NOW);

    expectAcceptedBySlack(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Release history board' } });
    const lines = visibleText(message).split('\n').filter((l) => l.startsWith('• '));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^• \*1\.11\.0\* ✅ released · by <@U0CAROL01> · <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+> · took 40m$/);
    expect(lines[9]).toContain('*1.2.0*');
    expect(visibleText(message)).not.toContain('9.9.9');
    expect(message.text).toBe('Release history board: last 10 releases');
  });

  it('shows a running release with its phase, and a rollback with who rolled back', () => {
    const rolled = past('1.0.1', 5, 'rolled_back');
    rolled.facts.rollback = { by: 'U0DAVE001', reason: 'errors', at: NOW - 4 * HOUR, from: 'draining', reopenedAt: null, drain: freshDrain() };
    const text = visibleText(renderReleaseHistory(records(draining(), rolled), service, NOW));

    expect(text).toContain('• *1.1.0* 🌊 draining, wave 2 · by <@U0CAROL01> · <!date^');
    expect(text).toContain('• *1.0.1* ↩️ rolled back · by <@U0CAROL01>, rolled back by <@U0DAVE001> · <!date^');
  });

  it('names who planned a release that never started, without a duration', () => {
    const cancelled = release({ state: 'done', outcome: 'cancelled', finishedAt: NOW - MINUTE });
    const text = visibleText(renderReleaseHistory(records(cancelled), service, NOW));

    expect(text).toMatch(/• \*1\.1\.0\* 🚫 cancelled · planned by <@U0ALICE01> · <!date\^[^>]+>$/);
  });

  it('says when the service has no release yet', () => {
    expect(visibleText(renderReleaseHistory([], service, NOW))).toContain('No release of board recorded yet.');
  });
});
