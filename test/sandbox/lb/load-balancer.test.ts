import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import type { InstanceRecord, TargetGroupRecord } from '../../../src/sandbox/aws/model.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { startLoadBalancer, type LoadBalancer } from '../../../src/sandbox/lb/load-balancer.js';
import { openWebSocket, startEchoUpstream, type EchoUpstream, type WebSocketClient } from './websocket-peers.js';

const HEALTH_MS = 1_000;
const DELAY_S = 30;

let time: ManualTime;
let emulator: AwsEmulator;
let group: TargetGroupRecord;
let a: InstanceRecord;
let b: InstanceRecord;
let upstreams: Map<string, EchoUpstream>;
let lb: LoadBalancer;
const clients: WebSocketClient[] = [];

beforeEach(async () => {
  time = new ManualTime();
  // The emulator's clock is manual so health checks and the deregistration delay pass exactly when a test says.
  emulator = new AwsEmulator({ time, privateIp: (n) => `127.77.0.${n + 1}`, health: { delayMs: HEALTH_MS, intervalMs: HEALTH_MS } });
  const image = emulator.state.ec2.addImage({ name: 'board-1.0.0' });
  group = emulator.state.elb.addTargetGroup({ name: 'board-ws', port: 8080, deregistrationDelaySeconds: DELAY_S });
  [a, b] = emulator.state.ec2.launch({ imageId: image.imageId, count: 2 }, { running: true }).instances;
  upstreams = new Map([
    [a.instanceId, await startEchoUpstream(a.privateIp, 'A')],
    [b.instanceId, await startEchoUpstream(b.privateIp, 'B')],
  ]);
  lb = await startLoadBalancer({ emulator, targetGroupArn: group.targetGroupArn });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await lb.close();
  await Promise.all([...upstreams.values()].map((u) => u.close()));
  await emulator.close();
});

function register(instance: InstanceRecord, options: { healthy?: boolean } = {}): void {
  emulator.state.elb.register(group.targetGroupArn, [{ id: instance.instanceId, port: upstreams.get(instance.instanceId)!.port }], options);
}

function stateOf(instance: InstanceRecord): string {
  return emulator.state.elb.describeHealth(group.targetGroupArn, [{ id: instance.instanceId }])[0].state;
}

async function get(): Promise<{ status: number; body: string }> {
  const res = await fetch(lb.url);
  return { status: res.status, body: await res.text() };
}

async function answers(count: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) bodies.push((await get()).body);
  return bodies;
}

async function websocket(): Promise<WebSocketClient> {
  const client = await openWebSocket(lb.wsUrl);
  clients.push(client);
  return client;
}

/** Which target a websocket landed on, from its echo. */
async function servedBy(client: WebSocketClient): Promise<string> {
  return (await client.ask('who')).split(':')[0];
}

describe('the sandbox load balancer', () => {
  it('routes requests and websockets only to healthy targets, round robin once several are', async () => {
    register(a, { healthy: true });
    register(b);
    emulator.faults.neverHealthy(b.instanceId);
    expect(stateOf(b)).toBe('initial');
    expect(await answers(4)).toEqual(['A', 'A', 'A', 'A']);

    // Two failed checks in a row make a target unhealthy, as ALB's default threshold.
    await time.advance(HEALTH_MS);
    await time.advance(HEALTH_MS);
    expect(stateOf(b)).toBe('unhealthy');
    expect(await answers(4)).toEqual(['A', 'A', 'A', 'A']);
    expect(await servedBy(await websocket())).toBe('A');

    emulator.faults.heal(b.instanceId);
    for (let pass = 0; pass < 5; pass++) await time.advance(HEALTH_MS);
    expect(stateOf(b)).toBe('healthy');
    expect((await answers(4)).sort()).toEqual(['A', 'A', 'B', 'B']);
    const sockets = await Promise.all([websocket(), websocket()]);
    expect((await Promise.all(sockets.map(servedBy))).sort()).toEqual(['A', 'B']);
    expect(lb.stats().proxied).toEqual({ http: 12, websocket: 3 });
  });

  it('keeps a draining target’s open websocket, sends it nothing new, and cuts the socket when the delay ends', async () => {
    register(a, { healthy: true });
    register(b, { healthy: true });
    const first = await websocket();
    const second = await websocket();
    const [onA, onB] = (await servedBy(first)) === 'A' ? [first, second] : [second, first];
    expect(await servedBy(onB)).toBe('B');

    emulator.state.elb.deregister(group.targetGroupArn, [{ id: a.instanceId, port: upstreams.get(a.instanceId)!.port }]);
    expect(stateOf(a)).toBe('draining');
    expect(await onA.ask('still there?')).toBe('A:still there?');
    const later = await Promise.all([websocket(), websocket(), websocket()]);
    expect(await Promise.all(later.map(servedBy))).toEqual(['B', 'B', 'B']);
    expect(await answers(2)).toEqual(['B', 'B']);
    expect(lb.stats().open).toContainEqual({ instanceId: a.instanceId, port: upstreams.get(a.instanceId)!.port, connections: 1 });

    await time.advance(DELAY_S * 1000 - 1);
    expect(await onA.ask('almost over')).toBe('A:almost over');
    await time.advance(1);
    expect(stateOf(a)).toBe('unused');
    await onA.closed;
    expect(await onB.ask('unaffected')).toBe('B:unaffected');
    expect(lb.stats().closedAfterDeregistration).toBe(1);
    await vi.waitFor(() => expect(lb.stats().open).toEqual([{ instanceId: b.instanceId, port: upstreams.get(b.instanceId)!.port, connections: 4 }]));
  });

  it('answers 503 and refuses upgrades with 503 while no target is healthy', async () => {
    expect(await get()).toEqual({ status: 503, body: '503 Service Unavailable\n' });
    register(a);
    expect(stateOf(a)).toBe('initial');
    expect((await get()).status).toBe(503);
    await expect(openWebSocket(lb.wsUrl)).rejects.toThrow('upgrade refused: HTTP/1.1 503 Service Unavailable');
    expect(lb.stats()).toMatchObject({ unavailable: 3, proxied: { http: 0, websocket: 0 } });

    await time.advance(HEALTH_MS);
    expect(await get()).toEqual({ status: 200, body: 'A' });
  });

  it('closes the client’s websocket when the target’s process dies, and forgets the connection', async () => {
    register(a, { healthy: true });
    const client = await websocket();
    expect(await servedBy(client)).toBe('A');
    expect(lb.stats().open).toHaveLength(1);

    upstreams.get(a.instanceId)!.dropConnections();
    await client.closed;
    await vi.waitFor(() => expect(lb.stats().open).toEqual([]));
  });

  it('answers 502 when a healthy target refuses the connection', async () => {
    register(a, { healthy: true });
    await upstreams.get(a.instanceId)!.close();
    expect((await get()).status).toBe(502);
    await expect(openWebSocket(lb.wsUrl)).rejects.toThrow('upgrade refused: HTTP/1.1 502 Bad Gateway');
    expect(lb.stats()).toMatchObject({ badGateway: 2, open: [] });
  });

  it('forwards request bodies and adds the client’s address in X-Forwarded-For', async () => {
    register(b, { healthy: true });
    const res = await fetch(lb.url, { method: 'POST', body: 'edit 42', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(await res.text()).toBe('B:edit 42');
    expect(res.headers.get('x-forwarded-for-seen')).toBe('203.0.113.9, 127.0.0.1');
  });
});
