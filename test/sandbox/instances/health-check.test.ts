import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudState } from '../../../src/sandbox/aws/cloud-state.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';
import { httpHealthCheck } from '../../../src/sandbox/instances/health-check.js';
import { freePort } from '../../../src/util/free-port.js';

const state = new CloudState({ time: new ManualTime(), privateIp: () => '127.0.0.1' });
const instance = state.ec2.launch({ imageId: state.ec2.addImage({ name: 'board-1.0.0' }).imageId, count: 1 }, { running: true }).instances[0];
const group = state.elb.addTargetGroup({ name: 'board-http', port: 8080 });

let server: Server | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A target answering every request with this status, remembering what it was asked; `null` never answers. */
async function target(status: number | null): Promise<{ port: number; asked: { url?: string; headers: IncomingHttpHeaders }[] }> {
  const asked: { url?: string; headers: IncomingHttpHeaders }[] = [];
  server = createServer((req, res) => {
    asked.push({ url: req.url, headers: req.headers });
    if (status !== null) res.writeHead(status).end();
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as AddressInfo).port, asked };
}

describe('the HTTP health checker', () => {
  it('asks the instance’s private IP on the target port and path as the ELB health checker, healthy on 2xx', async () => {
    const { port, asked } = await target(204);
    expect(await httpHealthCheck({ path: '/ready' })(instance, group, port)).toBe(true);
    expect(asked).toEqual([{ url: '/ready', headers: expect.objectContaining({ 'user-agent': 'ELB-HealthChecker/2.0' }) }]);
  });

  it('reports another status as a response code mismatch', async () => {
    const { port } = await target(500);
    expect(await httpHealthCheck()(instance, group, port)).toEqual({ healthy: false, reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [500]' });
  });

  it('reports a target that does not answer in time as a timeout', async () => {
    const { port, asked } = await target(null);
    expect(await httpHealthCheck({ timeoutMs: 100 })(instance, group, port)).toEqual({ healthy: false, reason: 'Target.Timeout', description: 'Request timed out' });
    expect(asked.map((a) => a.url)).toEqual(['/healthz']);
  });

  it('reports a refused connection as failed health checks, saying why', async () => {
    const port = await freePort();
    expect(await httpHealthCheck()(instance, group, port)).toEqual({
      healthy: false,
      reason: 'Target.FailedHealthChecks',
      description: expect.stringMatching(/^Health checks failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
    });
  });
});
