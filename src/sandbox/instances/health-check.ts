import { get } from 'node:http';
import type { HealthChecker, HealthVerdict } from '../aws/model.js';

export interface HttpHealthCheckOptions {
  /** Asked on every target (default `/healthz`); the target group's own path is not consulted. */
  path?: string;
  /**
   * The whole check, connection included (default 5 s, ALB's default HealthCheckTimeoutSeconds).
   * The emulator waits for a check before scheduling the next, so it may exceed the interval.
   */
  timeoutMs?: number;
}

/**
 * The emulator's health checker for instances that are real processes: `GET
 * http://<privateIp>:<port><path>` as the ALB health checker does. 2xx is healthy; otherwise the
 * failure carries the reason and description ALB reports for it.
 */
export function httpHealthCheck(options: HttpHealthCheckOptions = {}): HealthChecker {
  const { path = '/healthz', timeoutMs = 5_000 } = options;
  return (instance, _group, port) => probe(instance.privateIp, port, path, timeoutMs);
}

function probe(host: string, port: number, path: string, timeoutMs: number): Promise<HealthVerdict> {
  return new Promise((resolve) => {
    let timedOut = false;
    const req = get({ host, port, path, agent: false, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }, (res) => {
      clearTimeout(timer);
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 300 ? true : { healthy: false, reason: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${code}]` });
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, timeoutMs);
    req.once('error', (err) => {
      clearTimeout(timer);
      resolve(
        timedOut
          ? { healthy: false, reason: 'Target.Timeout', description: 'Request timed out' }
          : { healthy: false, reason: 'Target.FailedHealthChecks', description: `Health checks failed: ${err.message}` },
      );
    });
  });
}
