import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', graph: 'src/graph.ts', 'parse-thread': 'src/parse-thread.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
