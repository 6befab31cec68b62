import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', store: 'src/store.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
