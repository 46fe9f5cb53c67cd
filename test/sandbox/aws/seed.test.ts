import { describe, expect, it } from 'vitest';
import { CloudState } from '../../../src/sandbox/aws/cloud-state.js';
import { seedService, type SeedServiceOptions } from '../../../src/sandbox/aws/seed.js';
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

  it('gives a fleet another tool launched exactly the catalog’s launch and fleet tags, never a release-bot: one', () => {
    const state = new CloudState({ time: new ManualTime() });
    const tagged = exampleService((yaml) =>
      yaml
        .replace('tags: { team: boards }', 'tags: { team: boards, cost-center: cc-7, "release-bot:managed-by": release-bot }')
        .replace('tags: { service: board, role: fleet }', 'tags: { service: board, role: fleet, "release-bot:role": fleet }'),
    );
    const { fleet } = seedService(state, tagged, { versions, fleet: { version: '1.4.2', count: 2, launchedByBot: false } });
    for (const instance of fleet) {
      expect(instance.tags).toEqual({ team: 'boards', 'cost-center': 'cc-7', service: 'board', role: 'fleet' });
      expect(instance.volumeTags).toEqual({});
    }
    expect(state.ec2.instances().flatMap((i) => Object.keys(i.tags)).filter((key) => key.startsWith('release-bot:'))).toEqual([]);
  });

  it('tags every target group it creates as handed to the bot, unless told otherwise', () => {
    const tagsOf = (options: Partial<SeedServiceOptions>) =>
      seedService(new CloudState({ time: new ManualTime() }), service, { versions, ...options }).targetGroups.map((g) => g.tags);
    expect(tagsOf({})).toEqual([{ 'release-bot:managed-by': 'release-bot' }, { 'release-bot:managed-by': 'release-bot' }]);
    expect(tagsOf({ targetGroupTags: { team: 'boards' } })).toEqual([{ team: 'boards' }, { team: 'boards' }]);
    expect(tagsOf({ targetGroupTags: {} })).toEqual([{}, {}]);
  });

  it('gives each target group its own copy of the tags', () => {
    const targetGroupTags = { team: 'boards' };
    const { targetGroups } = seedService(new CloudState({ time: new ManualTime() }), service, { versions, targetGroupTags });
    targetGroups[0].tags.extra = 'x';
    expect([targetGroupTags, targetGroups[1].tags]).toEqual([{ team: 'boards' }, { team: 'boards' }]);
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
