import { Gauge, Registry } from 'prom-client';

/** What Prometheus scrapes from a board server; the release bot's drain waves are guided by `rtb_spaces_count`. */
export function createBoardMetrics(counts: { boards(): number; sessions(): number }): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'rtb_spaces_count',
    help: 'Boards open in memory on this server',
    registers: [registry],
    collect() {
      this.set(counts.boards());
    },
  });
  new Gauge({
    name: 'rtb_sessions_count',
    help: 'Websocket sessions joined to a board on this server',
    registers: [registry],
    collect() {
      this.set(counts.sessions());
    },
  });
  return registry;
}
