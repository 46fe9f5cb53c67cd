import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { checkArrival } from '../../src/deploy/launch-steps.js';
import type { Fleet, Instance, InstanceState } from '../../src/deploy/ports.js';

const service = {} as ServiceConfig;
const instance = (instanceId: string, state: InstanceState, privateIp?: string): Instance => ({ instanceId, imageId: 'ami-1', state, privateIp, tags: {} });
const fleetOf = (instances: Instance[]) => ({ describe: async () => instances }) as Pick<Fleet, 'describe'> as Fleet;
const seen = { privateIps: { 'i-a': '10.0.0.1' }, launchedAt: 1_000, now: 2_000, launchTimeout: 5_000 };

// The workflow tests reach these branches only through whole deploys; the edges are pinned here.
describe('checkArrival', () => {
  it('names stopped and vanished instances apart, and lists every lost one in launch order', async () => {
    const arrival = await checkArrival(fleetOf([instance('i-c', 'terminated'), instance('i-a', 'running')]), service, ['i-a', 'i-b', 'i-c'], seen);
    expect(arrival).toMatchObject({ status: 'lost', missing: ['i-b'], gone: ['i-b', 'i-c'], privateIps: seen.privateIps });
    expect(arrival.status === 'lost' && arrival.stopped.map((i) => i.instanceId)).toEqual(['i-c']);
  });

  it('keeps the IPs learned on a late look, so a rollback can still reach the instances', async () => {
    const arrival = await checkArrival(fleetOf([instance('i-a', 'running'), instance('i-b', 'pending', '10.0.0.2')]), service, ['i-a', 'i-b'], { ...seen, now: 6_001 });
    expect(arrival).toEqual({ status: 'late', privateIps: { 'i-a': '10.0.0.1', 'i-b': '10.0.0.2' } });
  });

  it('waits while pending within the launch timeout, and is running only when every instance is', async () => {
    const pending = fleetOf([instance('i-a', 'running'), instance('i-b', 'pending')]);
    expect((await checkArrival(pending, service, ['i-a', 'i-b'], { ...seen, now: 6_000 })).status).toBe('starting');
    const running = fleetOf([instance('i-a', 'running'), instance('i-b', 'running')]);
    expect((await checkArrival(running, service, ['i-a', 'i-b'], { ...seen, now: 60_000 })).status).toBe('running');
  });

  it('treats an empty launch (a fully adopted fleet) as arrived', async () => {
    expect(await checkArrival(fleetOf([]), service, [], seen)).toEqual({ status: 'running', privateIps: seen.privateIps });
  });
});
