#!/usr/bin/env node
// Runs every suite in bench/suites (or those named on the command line), prints one table and writes
// the figures as JSON under bench/results/. Each suite module exports `title` and `run()`, which
// resolves to rows: { name, value, unit, baseline?, ratio?, target?, pass?, note? }.
// Figures are ratios against a baseline measured in the same invocation wherever one exists:
// absolute times on a shared machine are noise.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const suitesDir = join(here, 'suites');
const wanted = process.argv.slice(2);
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.mjs$/, '')))
  .sort();

const results = [];
for (const file of files) {
  const suite = await import(pathToFileURL(join(suitesDir, file)).href);
  process.stderr.write(`bench: ${suite.title ?? file} ...\n`);
  const started = Date.now();
  try {
    const rows = await suite.run();
    for (const row of rows) results.push({ suite: suite.title ?? file, ...row });
  } catch (error) {
    results.push({
      suite: suite.title ?? file,
      name: 'suite failed',
      note: String(error?.stack ?? error),
    });
  }
  process.stderr.write(
    `bench: ${suite.title ?? file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

const fmt = (v) =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : (v ?? '');
const header = ['suite', 'figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'ok', 'note'];
const table = results.map((r) => [
  r.suite,
  r.name,
  fmt(r.value),
  r.unit ?? '',
  fmt(r.baseline),
  r.ratio === undefined ? '' : `${fmt(r.ratio)}x`,
  r.target ?? '',
  r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  r.note ?? '',
]);
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map((row) => String(row[i]).length)),
);
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));

const out = join(here, 'results');
mkdirSync(out, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const doc = { at: new Date().toISOString(), node: process.version, results };
writeFileSync(join(out, `bench-${stamp}.json`), `${JSON.stringify(doc, null, 2)}\n`);
writeFileSync(join(out, 'latest.json'), `${JSON.stringify(doc, null, 2)}\n`);
console.log(`\nwritten: bench/results/bench-${stamp}.json`);
