import { cpSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    bin: 'src/bin.ts',
    'dashboard-server': 'src/dashboard-server/index.ts',
    'host-process': 'src/host-process.ts',
  },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One bundle with every dependency in it: resolving and loading a few hundred small ESM files
  // (micromark alone is dozens) took ~60 ms of every command's start, half of `nova --version`.
  // The dashboard's files and the simulated agent are not code imported here: they stay packages.
  noExternal: [/^(?!@program-nova\/(dashboard|simulated-agent)$).*/],
  banner: {
    // Bundled CommonJS dependencies (cross-spawn) call require() for node built-ins.
    js: "#!/usr/bin/env node\nimport { createRequire as __novaCreateRequire } from 'node:module';\nconst require = __novaCreateRequire(import.meta.url);",
  },
  // `nova demo` needs its plan at runtime; the package ships only dist, so the plan goes there.
  async onSuccess() {
    mkdirSync('dist/demo', { recursive: true });
    cpSync('../../examples/plans/todo-api/CASCADE.md', 'dist/demo/CASCADE.md');
  },
});
