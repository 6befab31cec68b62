import { cpSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { bin: 'src/bin.ts', 'dashboard-server': 'src/dashboard-server/index.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  // `nova demo` needs its plan at runtime; the package ships only dist, so the plan goes there.
  async onSuccess() {
    mkdirSync('dist/demo', { recursive: true });
    cpSync('../../examples/plans/todo-api/CASCADE.md', 'dist/demo/CASCADE.md');
  },
});
