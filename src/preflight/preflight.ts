import type { ServiceConfig } from '../config/catalog.js';
import type { Clock, Image, Instance } from '../deploy/ports.js';
import { checkAws, type AwsCheckDeps } from './aws-checks.js';
import type { CheckLine, PreflightReport } from './report.js';

/** What the AWS lines found, for the checks that talk to the fleet's servers or need a version. */
export interface Found {
  fleet: Instance[];
  newest: Image | null;
}

/** One dependency's check. `cheap` ones read only and touch no server of the application. */
export interface Probe {
  cheap: boolean;
  run(service: ServiceConfig, found: Found): Promise<CheckLine[]>;
}

export interface Preflight {
  run(service: ServiceConfig, depth: 'full' | 'cheap'): Promise<PreflightReport>;
}

/**
 * The pre-flight check behind `npm run preflight`, `/release check` and start-up: AWS first (the
 * others need its fleet and newest AMI), then every other dependency at once. It changes nothing.
 */
export function createPreflight(options: { aws: AwsCheckDeps; probes: Probe[]; clock: Clock }): Preflight {
  return {
    async run(service, depth) {
      const aws = await checkAws(options.aws, service, depth);
      const found: Found = { fleet: aws.fleet, newest: aws.newest };
      const probes = options.probes.filter((p) => depth === 'full' || p.cheap);
      const others = await Promise.all(probes.map((p) => p.run(service, found)));
      return { service: service.name, at: options.clock.now(), depth, lines: [...aws.lines, ...others.flat()] };
    },
  };
}
