import { startConsole } from '../console/server.js';
import { startArrivals } from '../users/arrivals.js';
import { startUsers } from '../users/start-users.js';
import { SANDBOX_USERS, type Sandbox } from './start-sandbox.js';

const HISTORY_MS = 15 * 60_000;

/**
 * The newcomer's window onto the sandbox: the local Slack console, with simulated users working
 * on boards through the load balancer and a chart of the boards open on each version's servers.
 */
export async function startSandboxConsole(sandbox: Sandbox, options: { port: number; sessionsPerServer: number; notice: string }) {
  const fleetSize = sandbox.emulator.state.ec2.instances().filter((i) => i.state === 'running').length;
  const users = startUsers({
    url: `${sandbox.lb.wsUrl.replace(/\/$/, '')}/ws`,
    storeUrl: sandbox.store.url,
    sessions: fleetSize * options.sessionsPerServer,
    boards: Math.max(1, Math.round((fleetSize * options.sessionsPerServer) / 3)),
    editIntervalMs: 2_000,
    rampUpMs: 5_000,
  });
  const arrivals = startArrivals({ url: `${sandbox.lb.wsUrl.replace(/\/$/, '')}/ws`, everyMs: 1_000, stayMs: 20_000, editIntervalMs: 3_000 });
  const history = new Map<string, [number, number][]>();
  const sample = setInterval(() => {
    const stats = users.stats();
    const now = Date.now();
    const byVersion = new Map<string, number>();
    for (const [server, boards] of Object.entries(stats.boardsByServer)) {
      const version = stats.serverVersions[server] ?? 'unknown';
      byVersion.set(version, (byVersion.get(version) ?? 0) + boards);
    }
    for (const version of new Set([...history.keys(), ...byVersion.keys()])) {
      const points = history.get(version) ?? [];
      points.push([now, byVersion.get(version) ?? 0]);
      while (points.length > 0 && points[0][0] < now - HISTORY_MS) points.shift();
      history.set(version, points);
    }
  }, 2_000);

  const consoleServer = await startConsole({
    slack: sandbox.slack,
    botUrl: sandbox.botUrl,
    signingSecret: sandbox.signingSecret,
    identities: SANDBOX_USERS.map((u) => ({ id: u.id, name: u.realName.split(' ')[0], role: u.role })),
    port: options.port,
    examples: ['/prerelease board 1.1.0', '/release board', '/prerelease board 1.2.0', '/release status'],
    extras: {
      banner: options.notice,
      panels: [{ id: 'users', title: 'Simulated users', fetchUrl: '/extras/users' }],
      charts: [{ id: 'boards', title: 'Boards by server version', fetchUrl: '/extras/boards' }],
      routes: {
        '/extras/users': () => {
          const s = users.stats();
          return {
            sessions: s.sessions,
            'in their board': s.joined,
            'lost sessions': s.lostSessions,
            'lost edits': s.lostEdits,
            reconnects: s.reconnects,
            'reconnect gap p99': `${(s.reconnectGapMs.p99 / 1000).toFixed(1)} s`,
            'edits acknowledged': s.editsAcked,
            'visitors now': arrivals.stats().present,
          };
        },
        '/extras/boards': () => ({ series: [...history.entries()].map(([name, points]) => ({ name, points })) }),
      },
    },
  });
  return {
    url: consoleServer.url,
    users,
    async stop() {
      clearInterval(sample);
      await consoleServer.close();
      await arrivals.stop();
      await users.stop();
    },
  };
}
