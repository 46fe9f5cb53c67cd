import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsEmulator } from '../aws/emulator.js';
import type { TargetRecord } from '../aws/model.js';
import { forwardHttp } from './http-forward.js';
import { OpenConnections, type TargetConnectionCount } from './open-connections.js';
import { TargetPicker } from './target-picker.js';
import { refuseUpgrade, tunnelUpgrade } from './upgrade-tunnel.js';

export interface LoadBalancerOptions {
  emulator: AwsEmulator;
  /** The group whose targets receive the traffic, as the emulator reports their health. */
  targetGroupArn: string;
  host?: string;
  port?: number;
}

export interface LoadBalancerStats {
  /** Connections open now (websockets and requests in flight), by target; targets with none are left out. */
  open: TargetConnectionCount[];
  /** Requests and upgrades handed to a target since start. */
  proxied: { http: number; websocket: number };
  /** Requests and upgrades answered 503 because no target was healthy. */
  unavailable: number;
  /** Requests and upgrades answered 502 because the chosen target refused the connection. */
  badGateway: number;
  /** Connections the load balancer cut because their target's deregistration delay ended. */
  closedAfterDeregistration: number;
}

export interface LoadBalancer {
  url: string;
  wsUrl: string;
  stats(): LoadBalancerStats;
  /** Stops listening and cuts every open connection. */
  close(): Promise<void>;
}

/**
 * An ALB listener in front of one target group of the emulator. New requests and websockets go
 * round robin to `healthy` targets only. A target that starts draining keeps the connections it
 * has; when its deregistration delay ends (the emulator reports it `unused`) they are cut, and
 * clients reconnect through here to a healthy target. A target whose process dies loses its
 * connections with it.
 */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  const { emulator, targetGroupArn, host = '127.0.0.1', port = 0 } = options;
  emulator.state.elb.requireTargetGroup(targetGroupArn);
  const picker = new TargetPicker(emulator.state, targetGroupArn);
  const connections = new OpenConnections();
  const counts = { http: 0, websocket: 0, unavailable: 0, badGateway: 0, closedAfterDeregistration: 0 };
  const badGateway = () => void (counts.badGateway += 1);

  const onTargetChanged = (target: TargetRecord) => {
    if (target.targetGroupArn === targetGroupArn && target.state === 'unused') counts.closedAfterDeregistration += connections.closeTarget(target);
  };
  emulator.state.events.on('target-changed', onTargetChanged);

  const server = createServer((req, res) => {
    const target = picker.next();
    if (!target) {
      counts.unavailable += 1;
      return void res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('503 Service Unavailable\n');
    }
    counts.http += 1;
    connections.add(target, forwardHttp(req, res, target, badGateway));
  });
  server.on('upgrade', (req, socket, head: Buffer) => {
    const target = picker.next(new URL(req.url ?? '/', 'http://lb').searchParams.get('board') ?? undefined);
    if (!target) {
      counts.unavailable += 1;
      return refuseUpgrade(socket, 503);
    }
    counts.websocket += 1;
    connections.add(target, tunnelUpgrade(req, socket, head, target, badGateway));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const authority = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url: `http://${authority}`,
    wsUrl: `ws://${authority}`,
    stats: () => ({
      open: connections.counts(),
      proxied: { http: counts.http, websocket: counts.websocket },
      unavailable: counts.unavailable,
      badGateway: counts.badGateway,
      closedAfterDeregistration: counts.closedAfterDeregistration,
    }),
    close: async () => {
      emulator.state.events.off('target-changed', onTargetChanged);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await connections.closeAll();
      await stopped;
    },
  };
}
