/**
 * Type-checks examples as a user's project would: each one an ES module file in a folder whose
 * `node_modules` holds the workspace packages, resolved through their `exports` to the built
 * `.d.ts` (NodeNext, strict). One program for all of them: one compiler start, not one per block.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export interface Source {
  /** Where the example's first line sits: reported as `file:line`. */
  file: string;
  line: number;
  language: 'ts' | 'js';
  code: string;
}

/** Compiler options of the examples, also used to turn a ts example into the module node runs. */
export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  allowJs: true,
  checkJs: true,
  skipLibCheck: true,
  types: ['node'],
  // @types/node sits in the repository root, not in the examples' folder.
  typeRoots: [dirname(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')))],
};

/**
 * The problems of every source, each as `file:line:column message`, the line counted in the
 * markdown file.
 */
export function typecheck(dir: string, sources: Source[]): string[] {
  const files = sources.map((s, i) =>
    join(dir, `example-${i}.${s.language === 'ts' ? 'ts' : 'js'}`),
  );
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const read = host.readFile.bind(host);
  const bySource = new Map(files.map((f, i) => [f, sources[i]!]));
  host.readFile = (path) => bySource.get(path)?.code ?? read(path);
  const exists = host.fileExists.bind(host);
  host.fileExists = (path) => bySource.has(path) || exists(path);
  const program = ts.createProgram(files, COMPILER_OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const source = d.file && bySource.get(d.file.fileName);
    if (!d.file || d.start === undefined || !source) return `TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${source.file}:${source.line + line}:${character + 1} TS${d.code}: ${text}`;
  });
}

/** The module node runs for a ts example (types removed, nothing else changed). */
export function toModule(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}
