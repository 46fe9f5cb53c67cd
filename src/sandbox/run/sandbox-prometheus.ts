import type { Logger } from '../../observability/logger.js';
import type { AwsEmulator } from '../aws/emulator.js';
import { startFakePrometheus } from '../prometheus/fake-prometheus.js';
import { findPrometheusBinary, startPrometheus } from '../prometheus/real-prometheus.js';
import type { TargetGroup } from '../prometheus/targets.js';

export interface SandboxPrometheus {
  url: string;
  kind: 'real' | 'stand-in';
  /** One line for the console and the log saying which one runs. */
  notice: string;
  stop(): Promise<void>;
}

/**
 * The real Prometheus binary when it is installed, scraping every running instance through
 * file-based service discovery; otherwise the stand-in, which answers the same HTTP API and says
 * so. Either way the targets follow instances as they start and stop.
 */
export async function sandboxPrometheus(options: { emulator: AwsEmulator; appPort: number; standIn: boolean; logger: Logger }): Promise<SandboxPrometheus> {
  const { emulator } = options;
  const targets = (): TargetGroup[] => [
    { targets: emulator.state.ec2.instances().filter((i) => i.state === 'running' && i.privateIp).map((i) => `${i.privateIp}:${options.appPort}`), labels: {} },
  ];
  const binary = options.standIn ? null : findPrometheusBinary();
  let publish: (groups: TargetGroup[]) => unknown;
  let result: SandboxPrometheus;
  if (binary) {
    const real = await startPrometheus({ binary, jobName: 'board', scrapeInterval: '1s' });
    publish = (groups) => real.writeTargets(groups).catch((error: Error) => options.logger.warn({ err: error }, 'could not update the Prometheus targets file'));
    result = { url: real.url, kind: 'real', notice: `Prometheus: the real binary (${binary}) at ${real.url}`, stop: () => real.stop() };
  } else {
    const standIn = await startFakePrometheus({ jobName: 'board', scrapeIntervalMs: 1_000, warn: (m) => options.logger.warn(m) });
    publish = (groups) => standIn.setTargets(groups);
    result = {
      url: standIn.url,
      kind: 'stand-in',
      notice: 'Prometheus: stand-in answering the same HTTP API (apt-get install -y prometheus for the real one)',
      stop: () => standIn.close(),
    };
  }
  const update = () => void publish(targets());
  for (const event of ['instance-running', 'instance-shutting-down', 'instance-terminated'] as const) emulator.state.events.on(event, update);
  update();
  options.logger.info(result.notice);
  const stop = result.stop;
  return {
    ...result,
    async stop() {
      for (const event of ['instance-running', 'instance-shutting-down', 'instance-terminated'] as const) emulator.state.events.off(event, update);
      await stop();
    },
  };
}
