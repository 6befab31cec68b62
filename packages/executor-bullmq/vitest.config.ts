import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests spawn real processes on a shared 2-core machine: generous limits, no timing asserts.
    testTimeout: 90_000,
    hookTimeout: 30_000,
  },
});
