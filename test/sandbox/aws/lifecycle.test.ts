import { describe, expect, it } from 'vitest';
import { CloudState } from '../../../src/sandbox/aws/cloud-state.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';

function account(options: { bootDelayMs?: number; shutdownDelayMs?: number } = {}) {
  const time = new ManualTime(0);
  const state = new CloudState({ time, bootDelayMs: 1_000, shutdownDelayMs: 2_000, ...options });
  const image = state.ec2.addImage({ name: 'board-1.0.0' });
  const events: string[] = [];
  for (const name of ['instance-launched', 'instance-running', 'instance-shutting-down', 'instance-terminated'] as const) {
    state.events.on(name, (i) => events.push(`${name} ${i.instanceId} at ${time.now()}`));
  }
  return { time, state, image, events };
}

describe('instance lifecycle', () => {
  it('goes pending → running → shutting-down → terminated, announcing each step', async () => {
    const { time, state, image, events } = account();
    const [instance] = state.ec2.runInstances({ imageId: image.imageId, count: 1 }).instances;
    const id = instance.instanceId;
    await time.advance(1_000);
    state.ec2.terminate([id]);
    await time.advance(2_000);
    expect(events).toEqual([`instance-launched ${id} at 0`, `instance-running ${id} at 1000`, `instance-shutting-down ${id} at 1000`, `instance-terminated ${id} at 3000`]);
    expect(state.ec2.instance(id)?.state).toBe('terminated');
  });

  it('never runs an instance terminated while it was still booting', async () => {
    const { time, state, image, events } = account();
    const [instance] = state.ec2.runInstances({ imageId: image.imageId, count: 1 }).instances;
    state.ec2.terminate([instance.instanceId]);
    await time.advance(5_000);
    expect(events.some((e) => e.startsWith('instance-running'))).toBe(false);
    expect(state.ec2.instance(instance.instanceId)?.state).toBe('terminated');
  });

  it('hands listeners copies, so they cannot change the model', () => {
    const { state, image } = account();
    state.events.on('instance-launched', (i) => {
      i.tags.tampered = 'yes';
    });
    const [instance] = state.ec2.runInstances({ imageId: image.imageId, count: 1, tags: { app: 'board' } }).instances;
    expect(state.ec2.instance(instance.instanceId)?.tags).toEqual({ app: 'board' });
  });

  it('allocates distinct private IPs in 10.0.x.y unless told otherwise', () => {
    const { state, image } = account();
    const ips = state.ec2.runInstances({ imageId: image.imageId, count: 300 }).instances.map((i) => i.privateIp);
    expect(new Set(ips).size).toBe(300);
    expect(ips.every((ip) => /^10\.0\.\d{1,3}\.\d{1,3}$/.test(ip))).toBe(true);
    const loopback = new CloudState({ time: new ManualTime(0), privateIp: (n) => `127.0.1.${n + 1}` });
    const loopImage = loopback.ec2.addImage({ name: 'x' });
    expect(loopback.ec2.runInstances({ imageId: loopImage.imageId, count: 1 }).instances[0].privateIp).toBe('127.0.1.1');
  });

  it('stops every pending timer when disposed', async () => {
    const { time, state, image } = account();
    state.ec2.runInstances({ imageId: image.imageId, count: 2 });
    state.dispose();
    expect(time.pending).toBe(0);
    await time.advance(10_000);
    expect(state.ec2.instances().map((i) => i.state)).toEqual(['pending', 'pending']);
  });
});
