import { afterEach, describe, expect, it } from 'vitest';
import { exampleService } from '../../support/catalog.js';
import { emulatedAccount, type EmulatedAccount } from './emulated-account.js';

let account: EmulatedAccount;
afterEach(() => account.close());

describe('AWS fleet: images', () => {
  it('lists the service’s versioned images newest first, with their commits', async () => {
    account = await emulatedAccount();
    account.emulator.state.ec2.addImage({ name: 'unrelated-base', tags: { os: 'debian' } });
    const images = await account.fleet.listImages(account.service, 2);
    expect(images).toEqual([
      { imageId: account.seeded.images[2].imageId, name: 'board-1.5.0', version: '1.5.0', state: 'available', createdAt: '2026-03-01T12:00:00.000Z', commit: 'ccc333' },
      { imageId: account.seeded.images[1].imageId, name: 'board-1.4.2', version: '1.4.2', state: 'available', createdAt: '2026-02-28T12:00:00.000Z', commit: 'bbb222' },
    ]);
  });

  it('finds the image of exactly one version, asking only for the catalog’s owners', async () => {
    account = await emulatedAccount();
    const image = await account.fleet.findImage(account.service, '1.4.2');
    expect(image).toMatchObject({ imageId: account.seeded.images[1].imageId, version: '1.4.2', commit: 'bbb222' });
    expect(account.emulator.requests.calls('DescribeImages').at(-1)?.params).toEqual({
      'Owner.1': 'self',
      'Filter.1.Name': 'tag:releaseVersion',
      'Filter.1.Value.1': '1.4.2',
    });
    expect(await account.fleet.findImage(account.service, '1.4')).toBeNull();
  });

  it('prefers the newest available image of a version over a newer one still pending', async () => {
    account = await emulatedAccount();
    await account.time.advance(60_000);
    account.emulator.state.ec2.addImage({ name: 'board-1.5.0-rebuild', state: 'pending', tags: { releaseVersion: '1.5.0' } });
    expect(await account.fleet.findImage(account.service, '1.5.0')).toMatchObject({ name: 'board-1.5.0', state: 'available' });
  });

  it('applies the catalog’s extra AMI filters', async () => {
    const service = exampleService((yaml) => yaml.replace('owners: [self]', 'owners: [self]\n      filters: { "tag:os": debian-12 }'));
    account = await emulatedAccount({ service });
    account.emulator.state.ec2.addImage({ name: 'board-1.5.0-ubuntu', tags: { releaseVersion: '1.5.0', os: 'ubuntu' } });
    const images = await account.fleet.listImages(service, 10);
    expect(images.map((i) => i.name)).toEqual(['board-1.5.0', 'board-1.4.2', 'board-1.4.1']);
  });
});
