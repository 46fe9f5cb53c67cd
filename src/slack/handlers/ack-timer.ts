import type { Metrics } from '../../observability/metrics.js';

/** Measures how long Slack waited for our acknowledgement (Slack gives up after 3 s). */
export function ackTimer(metrics: Metrics, type: 'command' | 'action' | 'view') {
  const started = process.hrtime.bigint();
  return {
    done() {
      metrics.ackLatency.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
    },
  };
}
