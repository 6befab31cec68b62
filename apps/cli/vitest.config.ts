import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Most tests here start the built `nova` (a new Node process each) on a shared machine: a
    // limit that only guards against hangs, never a measure of speed.
    testTimeout: 60_000,
  },
});
