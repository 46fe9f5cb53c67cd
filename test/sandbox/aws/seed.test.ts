import { describe, expect, it } from 'vitest';
import { CloudState } from '../../../src/sandbox/aws/cloud-state.js';
import { seedService } from '../../../src/sandbox/aws/seed.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { exampleService } from '../../support/catalog.js';

const service = exampleService();
const versions = [
  { version: '1.4.1', commit: 'aaa111' },
  { version: '1.4.2', commit: 'bbb222' },
];

describe('seeding an account from the catalog', () => {
  it('creates tagged images oldest first, the launch template and the catalog’s target groups', () => {
    const state = new CloudState({ time: new ManualTime('2026-03-01T00:00:00.000Z') });
    const seeded = seedService(state, service, { versions, deregistrationDelaySeconds: 45 });
    expect(seeded.images.map((i) => [i.name, i.tags, i.creationDate])).toEqual([
      ['board-1.4.1', { releaseVersion: '1.4.1', commit: 'aaa111' }, '2026-02-28T00:00:00.000Z'],
      ['board-1.4.2', { releaseVersion: '1.4.2', commit: 'bbb222' }, '2026-03-01T00:00:00.000Z'],
    ]);
    expect(seeded.launchTemplate.launchTemplateName).toBe('board');
    expect(seeded.targetGroups.map((g) => [g.targetGroupArn, g.targetGroupName, g.port, g.attributes['deregistration_delay.timeout_seconds']])).toEqual([
      [service.targetGroups[0], 'board-http', 8080, '45'],
      [service.targetGroups[1], 'board-ws', 8080, '45'],
    ]);
    expect(seeded.fleet).toEqual([]);
  });

  it('starts a serving fleet running, carrying the fleet tags and registered healthy in every group', () => {
    const state = new CloudState({ time: new ManualTime() });
    const { fleet, images } = seedService(state, service, { versions, fleet: { version: '1.4.1', count: 3 } });
    expect(fleet).toHaveLength(3);
    for (const instance of fleet) {
      expect(instance).toMatchObject({ state: 'running', imageId: images[0].imageId, instanceType: 't3.small', subnetId: 'subnet-0a1b2c3d' });
      expect(instance.tags).toMatchObject({ team: 'boards', service: 'board', role: 'fleet', 'release-bot:managed-by': 'release-bot', 'release-bot:role': 'fleet' });
    }
    for (const arn of service.targetGroups) {
      expect(state.elb.describeHealth(arn).map((t) => [t.instanceId, t.state])).toEqual(fleet.map((i) => [i.instanceId, 'healthy']));
    }
  });

  it('can seed a fleet some other tool launched, without the bot’s tags', () => {
    const state = new CloudState({ time: new ManualTime() });
    const { fleet } = seedService(state, service, { versions, fleet: { version: '1.4.2', count: 1, launchedByBot: false } });
    expect(fleet[0].tags).toEqual({ team: 'boards', service: 'board', role: 'fleet' });
  });

  it('tags images so that the catalog’s extra AMI filters match them', () => {
    const state = new CloudState({ time: new ManualTime() });
    const filtered = { ...service, ami: { ...service.ami, filters: { 'tag:os': 'debian-12' } } };
    expect(seedService(state, filtered, { versions }).images[0].tags).toMatchObject({ os: 'debian-12' });
  });

  it('refuses a fleet of a version it was not asked to create', () => {
    const state = new CloudState({ time: new ManualTime() });
    expect(() => seedService(state, service, { versions, fleet: { version: '9.9.9', count: 1 } })).toThrow(/9\.9\.9/);
  });
});
