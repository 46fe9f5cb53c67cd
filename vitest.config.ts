import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Sentry's SDK reads these from the environment; tests must never report anywhere.
    env: { SENTRY_DSN: '', SENTRY_RELEASE: '', SENTRY_ENVIRONMENT: '' },
  },
});
