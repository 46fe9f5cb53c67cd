import { createServer, type Server } from 'node:http';
import type { AwsEmulator } from '../../src/sandbox/aws/emulator.js';
import type { InstanceRecord } from '../../src/sandbox/aws/model.js';

export interface BoardSimOptions {
  /** Port every simulated server listens on, at its own loopback address (its private IP). */
  port: number;
  /** Boards on each server that is already serving when the simulation starts. */
  initialBoards: number;
  /** Boards a healthy, open server gains by itself from new users, up to this many. */
  organicBoards?: number;
  /** Boards that leave a draining server per tick (reconnects). */
  movePerTick?: number;
  tickMs?: number;
  /** The bearer token the drain hook must carry. */
  token: string;
}

/**
 * Stands in for the application on each emulated instance, at its private IP on loopback: a
 * `/metrics` endpoint with `rtb_spaces_count` and the `/drain` hook. Users of a drained server
 * reconnect through the "load balancer" to the least loaded healthy server that is still open.
 * Boards are conserved: the simulation counts every board it moves.
 */
export async function startBoardSim(emulator: AwsEmulator, options: BoardSimOptions) {
  const boards = new Map<string, number>();
  const draining = new Set<string>();
  const servers = new Map<string, Server>();
  const ips = new Map<string, string>();
  const hookCalls: { instanceId: string; at: number }[] = [];
  const failing = new Set<string>();
  const lost = { boards: 0 };
  const organic = options.organicBoards ?? 4;
  const perTick = options.movePerTick ?? 15;

  const open = (id: string) => {
    if (draining.has(id)) return false;
    return emulator.state.elb.targetGroups().some((g) => emulator.state.elb.describeHealth(g.targetGroupArn, [{ id }]).some((t) => t.state === 'healthy'));
  };

  async function serve(instance: InstanceRecord) {
    if (servers.has(instance.instanceId) || !instance.privateIp) return;
    const id = instance.instanceId;
    ips.set(id, instance.privateIp);
    if (!boards.has(id)) boards.set(id, 0);
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        if (failing.has(id)) return void res.writeHead(500).end('exporter broken');
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return void res.end(`# TYPE rtb_spaces_count gauge\nrtb_spaces_count ${boards.get(id) ?? 0}\n`);
      }
      if (req.url === '/drain' && req.method === 'POST') {
        if (req.headers.authorization !== `Bearer ${options.token}`) return void res.writeHead(401).end('bad token');
        hookCalls.push({ instanceId: id, at: Date.now() });
        draining.add(id);
        return void res.writeHead(202).end('reconnecting clients');
      }
      res.writeHead(404).end();
    });
    servers.set(id, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, instance.privateIp, () => resolve());
    });
  }

  function stop(instance: InstanceRecord) {
    const server = servers.get(instance.instanceId);
    servers.delete(instance.instanceId);
    server?.close();
    server?.closeAllConnections();
    lost.boards += boards.get(instance.instanceId) ?? 0;
    boards.set(instance.instanceId, 0);
  }

  function tick() {
    const ids = [...servers.keys()];
    const targets = ids.filter(open);
    for (const id of ids) {
      if (draining.has(id)) {
        const moving = Math.min(perTick, boards.get(id) ?? 0);
        for (let n = 0; n < moving && targets.length > 0; n++) {
          const target = targets.reduce((a, b) => ((boards.get(a) ?? 0) <= (boards.get(b) ?? 0) ? a : b));
          boards.set(target, (boards.get(target) ?? 0) + 1);
          boards.set(id, (boards.get(id) ?? 0) - 1);
        }
      } else if (targets.includes(id) && (boards.get(id) ?? 0) < organic) {
        boards.set(id, (boards.get(id) ?? 0) + 1);
      }
    }
  }

  for (const instance of emulator.state.ec2.instances()) {
    if (instance.state === 'running') {
      boards.set(instance.instanceId, options.initialBoards);
      await serve(instance);
    }
  }
  const onRunning = (i: InstanceRecord) => void serve(i);
  const onGone = (i: InstanceRecord) => stop(i);
  emulator.state.events.on('instance-running', onRunning);
  emulator.state.events.on('instance-shutting-down', onGone);
  const timer = setInterval(tick, options.tickMs ?? 100);

  return {
    boards,
    hookCalls,
    lost,
    /** Makes an instance's exporter answer 500, so Prometheus sees `up == 0`. */
    breakExporter: (id: string) => failing.add(id),
    targets: () => [...ips.entries()].filter(([id]) => servers.has(id)).map(([, ip]) => `${ip}:${options.port}`),
    total: () => [...boards.values()].reduce((a, b) => a + b, 0),
    async close() {
      clearInterval(timer);
      emulator.state.events.off('instance-running', onRunning);
      emulator.state.events.off('instance-shutting-down', onGone);
      for (const server of servers.values()) {
        server.close();
        server.closeAllConnections();
      }
    },
  };
}
