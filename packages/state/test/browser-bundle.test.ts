import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// esbuild is not a dependency of this package: use the copy tsup (a dev tool of the workspace) runs on.
const require = createRequire(import.meta.url);
interface Plugin {
  name: string;
  setup(build: {
    onResolve(
      options: { filter: RegExp },
      callback: (args: {
        path: string;
        importer: string;
      }) => { path: string; external: boolean } | undefined,
    ): void;
  }): void;
}
/** The part of esbuild's API this test uses (esbuild's own types are not resolvable from here). */
interface Esbuild {
  build(options: {
    entryPoints: string[];
    bundle: boolean;
    platform: 'browser';
    format: 'esm';
    write: false;
    logLevel: 'silent';
    plugins: Plugin[];
  }): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
}
const esbuild = createRequire(join(dirname(require.resolve('tsup/package.json')), 'package.json'))(
  'esbuild',
) as Esbuild;

const dist = (name: string) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Bundles an entry for the browser and lists every import of a Node built-in, with its importer. */
async function nodeImports(entry: string): Promise<{ found: string[]; bytes: number }> {
  const found: string[] = [];
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'report-node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (
              args.path.startsWith('node:') ||
              builtins.has(args.path) ||
              builtins.has(args.path.split('/')[0]!)
            ) {
              found.push(`${args.path} (imported by ${args.importer})`);
              return { path: args.path, external: true };
            }
            return undefined;
          });
        },
      },
    ],
  });
  return { found, bytes: result.outputFiles[0]!.contents.length };
}

describe('browser bundle', () => {
  it('the main entry bundles for the browser with no Node built-in anywhere in its import graph', async () => {
    const { found, bytes } = await nodeImports(dist('index.js'));
    expect(found).toEqual([]);
    expect(bytes).toBeGreaterThan(10_000); // yaml and the graph helpers really are inside
  });

  it('the check does catch Node built-ins (the store entry uses them)', async () => {
    const { found } = await nodeImports(dist('store.js'));
    // tsup writes `fs` for `node:fs`; both spellings are caught.
    expect(found.some((f) => /^(node:)?fs\b/.test(f))).toBe(true);
  });
});
