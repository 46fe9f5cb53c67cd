import { findPrometheusBinary } from '../../src/sandbox/prometheus/real-prometheus.js';

export { startPrometheus, type RealPrometheus } from '../../src/sandbox/prometheus/real-prometheus.js';

const MISSING = 'Prometheus binary not installed: apt-get install -y prometheus to run this test';

export interface PrometheusBinary {
  /** True only outside CI: there a missing binary skips the tests, loudly. */
  skip: boolean;
  /** The binary's path; throws (failing the tests) when it is missing. */
  path(): string;
}

/** Missing, the binary skips the tests with a warning on a workstation and fails them under CI=true. */
export function locatePrometheusBinary(): PrometheusBinary {
  const found = findPrometheusBinary();
  if (found) return { skip: false, path: () => found };
  const underCi = process.env.CI === 'true';
  if (!underCi) console.warn(`\n!!! ${MISSING} (skipping the tests against the real Prometheus) !!!\n`);
  return {
    skip: !underCi,
    path: () => {
      throw new Error(`${MISSING} (CI=true, so this is a failure, not a skip)`);
    },
  };
}
