import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One file at a time: the integration and end-to-end tests run real processes against real
    // clocks, and on a 2-core machine two of them at once starve each other's timers.
    fileParallelism: false,
    // Integration tests bound their own waits; this only catches a hung test.
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Sentry's SDK reads these from the environment; tests must never report anywhere.
    env: { SENTRY_DSN: '', SENTRY_RELEASE: '', SENTRY_ENVIRONMENT: '' },
  },
});
