import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test drives real `nova` processes on a shared 2-core machine: one file at a time (they
    // compete for the same cores), generous limits, and no assertion on how long anything took.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
