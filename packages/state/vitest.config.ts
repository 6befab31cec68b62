import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests spawn real processes on a shared 2-core machine: generous bounds, no timing asserts.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
