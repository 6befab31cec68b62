// Parse benchmark (target in bench/README.md): 1,000- and 10,000-task CASCADE.md files, warm.
// Baseline, measured in the same run: a naive whole-file mdast-util-from-markdown parse with the GFM
// table extension (the parser of record, used the plain way). The rows after the headline figures
// show where the time goes.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { criticalPath, waves } from '../../packages/parser/dist/graph.js';
import { parseCascade } from '../../packages/parser/dist/index.js';

export const title = 'parse';

const parserDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'parser');
const requireFromParser = createRequire(join(parserDir, 'package.json'));
const load = (name) => import(pathToFileURL(requireFromParser.resolve(name)).href);

/** A plan shaped like a real one: branches of groups of 100-task tables, prose between them. */
export function generatePlan(taskCount) {
  const lines = [
    `# Benchmark plan with ${taskCount} tasks`,
    '',
    'A plan generated for the parse benchmark.',
    '',
  ];
  const tables = [];
  let i = 0;
  for (let b = 0; i < taskCount; b++) {
    lines.push(`## L1: Branch ${b}`, '', `Branch ${b} builds part ${b} of the system.`, '');
    for (let g = 0; g < 10 && i < taskCount; g++) {
      lines.push(`### L2: Group ${b}.${g}`, '');
      const table = [
        '| Task ID | Task Name | What Changes | Depends On |',
        '|---------|-----------|--------------|------------|',
      ];
      for (let k = 0; k < 100 && i < taskCount; k++, i++) {
        const deps = [];
        if (i > 0) deps.push(`T-${i - 1}`);
        if (i > 7) deps.push(`T-${i - 7}`);
        if (i > 130 && i % 3 === 0) deps.push(`T-${i - 130}`);
        // Like a real agent plan: a code span in most rows, some bold, an occasional link.
        const bold = i % 4 === 0 ? ' and **its tests**' : ' and its tests';
        const link = i % 10 === 0 ? ` (see [the spec](https://example.com/spec/${i}))` : '';
        table.push(
          `| T-${i} | Task ${i} | Update \`src/module-${i}.ts\`${bold}${link} | ${deps.length ? deps.join(', ') : '-'} |`,
        );
      }
      lines.push(...table, '');
      tables.push(table.join('\n'));
      lines.push(`Notes for group ${b}.${g}: keep changes small.`, '');
    }
  }
  return { source: lines.join('\n'), tables };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time of `runs` calls after `warmup` unmeasured ones. */
/**
 * Medians of two functions timed in alternation, so that a change in the machine's load during the
 * run weighs on the baseline and the measured code alike (the ratio is the figure that matters).
 */
function timePair(a, b, { warmup = 2, runs = 5 } = {}) {
  for (let k = 0; k < warmup; k++) {
    a();
    b();
  }
  const samples = [[], []];
  for (let k = 0; k < runs; k++) {
    [a, b].forEach((fn, i) => {
      const start = process.hrtime.bigint();
      fn();
      samples[i].push(Number(process.hrtime.bigint() - start) / 1e6);
    });
  }
  return [median(samples[0]), median(samples[1])];
}

function time(fn, { warmup = 2, runs = 5 } = {}) {
  for (let k = 0; k < warmup; k++) fn();
  const samples = [];
  for (let k = 0; k < runs; k++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

export async function run() {
  const { fromMarkdown } = await load('mdast-util-from-markdown');
  const { gfmTable } = await load('micromark-extension-gfm-table');
  const { gfmTableFromMarkdown } = await load('mdast-util-gfm-table');
  const withTables = { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] };
  const structureOnly = {
    extensions: [
      {
        disable: {
          null: [
            'attention',
            'autolink',
            'characterEscape',
            'characterReference',
            'codeText',
            'hardBreakEscape',
            'hardBreakTrailing',
            'htmlText',
            'labelEnd',
            'labelStartImage',
            'labelStartLink',
          ],
        },
      },
    ],
  };

  const rows = [];
  for (const [count, target] of [
    [1_000, 150],
    [10_000, 1_500],
  ]) {
    const { source, tables } = generatePlan(count);
    const opts = count >= 10_000 ? { warmup: 1, runs: 5 } : { warmup: 3, runs: 9 };
    const check = parseCascade(source);
    if (check.tasks.length !== count)
      throw new Error(`expected ${count} tasks, parsed ${check.tasks.length}`);

    const [naive, ours] = timePair(
      () => fromMarkdown(source, withTables),
      () => parseCascade(source, { filename: 'CASCADE.md' }),
      opts,
    );
    const label = count.toLocaleString('en-US');
    rows.push({
      name: `parseCascade, ${label} tasks (warm)`,
      value: ours,
      unit: 'ms',
      baseline: naive,
      ratio: ours / naive,
      target: `<= ${target} ms`,
      pass: ours <= target,
      note: 'baseline: whole-file fromMarkdown + GFM table',
    });

    // Where the time goes (same plan, same run).
    const structure = time(() => fromMarkdown(source, structureOnly), opts);
    const tablePass = time(() => {
      for (const table of tables) fromMarkdown(table, withTables);
    }, opts);
    const wholeNoTables = time(() => fromMarkdown(source), opts);
    const graph = time(() => {
      waves(check.tasks);
      criticalPath(check.tasks);
    }, opts);
    rows.push(
      {
        name: `  ${label}: block-structure pass (no inline, no tables)`,
        value: structure,
        unit: 'ms',
      },
      {
        name: `  ${label}: rest of parseCascade (tables, extraction, validation)`,
        value: Math.max(0, ours - structure),
        unit: 'ms',
        note: 'plain rows are built by hand, the others re-parsed with micromark',
      },
      {
        name: `  ${label}: the same tables through micromark + GFM table, one by one`,
        value: tablePass,
        unit: 'ms',
        note: 'not part of a parse any more: what the plain-table builder saves',
      },
      {
        name: `  ${label}: waves + critical path (graph helpers, not part of a parse)`,
        value: graph,
        unit: 'ms',
      },
      {
        name: `  ${label}: whole-file fromMarkdown without GFM table`,
        value: wholeNoTables,
        unit: 'ms',
      },
    );
  }
  return rows;
}
