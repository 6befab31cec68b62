import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Each entry whole: the main one must stay import-free for the dashboard's bundle, even where the
  // node entry shares a module with it (the log file names).
  splitting: false,
});
