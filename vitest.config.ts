import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests bound their own waits; this only catches a hung test.
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Sentry's SDK reads these from the environment; tests must never report anywhere.
    env: { SENTRY_DSN: '', SENTRY_RELEASE: '', SENTRY_ENVIRONMENT: '' },
  },
});
