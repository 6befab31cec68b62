import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The examples start real `nova` and node processes on a shared 2-core machine: one file at a
    // time, generous limits, and no assertion on how long anything took.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
