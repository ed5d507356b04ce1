import { defineConfig } from 'vitest/config';

// Two cores on CI: keep the pool small so heavy differential tests don't starve each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
