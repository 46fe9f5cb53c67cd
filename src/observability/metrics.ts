import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The bot's own health, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    deploys: new Counter({
      name: 'release_bot_deploys_total',
      help: 'Deploys that ended, by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: 'release_bot_step_duration_seconds',
      help: 'Time a workflow step took, by kind and state',
      labelNames: ['kind', 'state'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'release_bot_ack_latency_seconds',
      help: 'Time from receiving a Slack request to acknowledging it',
      labelNames: ['type'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'release_bot_leader',
      help: '1 while this bot process holds the leader lease and runs the deploys, 0 while it is a standby; holder names the process',
      labelNames: ['holder'] as const,
      registers: [registry],
    }),
    externalFailures: new Counter({
      name: 'release_bot_external_call_failures_total',
      help: 'Failed calls to outside systems, by system',
      labelNames: ['system'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
