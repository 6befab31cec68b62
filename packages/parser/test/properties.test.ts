import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CascadeError } from '../src/errors.js';
import { readBlocks } from '../src/markdown-blocks.js';
import { parseCascade, parseWith } from '../src/parse.js';

// ---------- generating plans ----------

const idArb = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHKMNPQRSTXYZabcdefghkmnpqrstxyz0123456789'),
    fc.array(fc.constantFrom(...'ABCDEFGHKMNPQRSTabcdefghkmnpqrst0123456789._-'), { maxLength: 8 }),
  )
  .map(([head, rest]) => head + rest.join(''))
  // `A._b_` is emphasis in markdown (an ID cell is read as markdown too): keep `_` between letters.
  .filter((id) => !/[-._]_|_[-._]/.test(id));

/** Cell text from characters that have no inline meaning, plus `|` (escaped when rendered). */
const textArb = fc
  .array(fc.constantFrom(...'abcXYZ 019 .,:-()|éü日本☕'), { maxLength: 20 })
  .map((chars) => chars.join(''));

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const escapeCell = (s: string) => s.replaceAll('|', '\\|');

interface PlanTask {
  id: string;
  name: string;
  description: string;
  dependsOn: string[];
  branch: number;
  group: number;
  owner: string;
}

/** A random DAG: each task depends only on earlier ones; spread over 1-3 branches of 1-3 groups. */
const planArb = fc
  .uniqueArray(idArb, { minLength: 1, maxLength: 25, selector: (id) => id.toLowerCase() })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(
        fc.record({
          name: textArb,
          description: textArb,
          owner: textArb,
          deps: fc.array(fc.nat(), { maxLength: 4 }),
          newGroup: fc.boolean(),
          newBranch: fc.boolean(),
        }),
        { minLength: ids.length, maxLength: ids.length },
      ),
    ),
  )
  .map(([ids, rows]) => {
    let branch = 0;
    let group = 0;
    return rows.map((row, i): PlanTask => {
      if (i > 0 && row.newBranch && branch < 2) {
        branch++;
        group = 0;
      } else if (i > 0 && row.newGroup && group < 2) {
        group++;
      }
      const deps = i === 0 ? [] : [...new Set(row.deps.map((d) => ids[d % i]!))];
      return {
        id: ids[i]!,
        name: row.name,
        description: row.description,
        dependsOn: deps,
        branch,
        group,
        owner: row.owner,
      };
    });
  });

type Column = 'id' | 'name' | 'description' | 'deps' | 'owner';

const renderOptionsArb = fc.record({
  columns: fc.shuffledSubarray<Column>(['id', 'name', 'description', 'deps', 'owner'], {
    minLength: 5,
    maxLength: 5,
  }),
  separator: fc.constantFrom(', ', ' ', ',', ' , ', '  '),
  none: fc.constantFrom('-', '–', '—', 'None', 'none', ''),
  headerCase: fc.constantFrom('title', 'lower', 'upper'),
  prose: fc.boolean(),
  crlf: fc.boolean(),
});

type RenderOptions = {
  columns: Column[];
  separator: string;
  none: string;
  headerCase: string;
  prose: boolean;
  crlf: boolean;
};

const HEADER: Record<Column, string> = {
  id: 'Task ID',
  name: 'Task Name',
  description: 'What Changes',
  deps: 'Depends On',
  owner: 'Owner',
};

function render(tasks: PlanTask[], o: RenderOptions): string {
  const header = (c: Column) =>
    o.headerCase === 'lower'
      ? HEADER[c].toLowerCase()
      : o.headerCase === 'upper'
        ? HEADER[c].toUpperCase()
        : HEADER[c];
  const cell = (t: PlanTask, c: Column) =>
    c === 'id'
      ? t.id
      : c === 'deps'
        ? t.dependsOn.length === 0
          ? o.none
          : t.dependsOn.join(o.separator)
        : escapeCell(t[c]);
  const lines = ['# Generated plan', ''];
  let current = '';
  for (const t of tasks) {
    const key = `${t.branch}/${t.group}`;
    if (key !== current) {
      if (!current.startsWith(`${t.branch}/`)) {
        lines.push('', `## L1: Branch ${t.branch}`, '');
        if (o.prose) lines.push('Prose | with a pipe, and a list:', '', '- item', '');
      }
      lines.push(`### L2: Group ${t.group}`, '');
      lines.push(`| ${o.columns.map(header).join(' | ')} |`);
      lines.push(`|${o.columns.map(() => '---').join('|')}|`);
      current = key;
    }
    lines.push(`| ${o.columns.map((c) => cell(t, c)).join(' | ')} |`);
  }
  lines.push('');
  return lines.join(o.crlf ? '\r\n' : '\n');
}

function expected(tasks: PlanTask[], headerCase: string) {
  const ownerKey = headerCase === 'lower' ? 'owner' : headerCase === 'upper' ? 'OWNER' : 'Owner';
  return tasks.map((t) => ({
    id: t.id,
    name: norm(t.name) || t.id,
    description: norm(t.description),
    dependsOn: t.dependsOn,
    branch: `Branch ${t.branch}`,
    group: `Group ${t.group}`,
    fields: { [ownerKey]: norm(t.owner) },
  }));
}

const strip = (tasks: { line: number }[]) => tasks.map(({ line: _line, ...rest }) => rest);

describe('parser properties', () => {
  it('a random DAG rendered to markdown parses back to the same graph', () => {
    fc.assert(
      fc.property(planArb, renderOptionsArb, (tasks, options) => {
        const cascade = parseCascade(render(tasks, options));
        expect(strip(cascade.tasks)).toEqual(expected(tasks, options.headerCase));
        expect(cascade.hierarchy.flatMap((b) => b.groups.flatMap((g) => g.tasks))).toEqual(
          tasks.map((t) => t.id),
        );
        // tasks only depend on earlier ones, so the file order is already a topological order
        expect(cascade.topologicalOrder()).toEqual(tasks.map((t) => t.id));
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('shuffled column order changes nothing', () => {
    fc.assert(
      fc.property(planArb, renderOptionsArb, renderOptionsArb, (tasks, a, b) => {
        const first = parseCascade(render(tasks, { ...a, prose: false, crlf: false }));
        const second = parseCascade(
          render(tasks, { ...a, columns: b.columns, prose: false, crlf: false }),
        );
        expect(second.tasks).toEqual(first.tasks);
        expect(second.hierarchy).toEqual(first.hierarchy);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('a random cycle is always found and reported as a full path', () => {
    fc.assert(
      fc.property(planArb, fc.nat(), fc.integer({ min: 2, max: 6 }), (tasks, seed, len) => {
        fc.pre(tasks.length >= len);
        // Pick `len` tasks and make the first of them depend on the last: with the chain below, a cycle.
        const picked = tasks.map((_, i) => i).filter((i) => (i * 7 + seed) % 3 !== 0 || i === 0);
        fc.pre(picked.length >= len);
        const chain = picked.slice(0, len);
        const copy = tasks.map((t) => ({ ...t, dependsOn: [...t.dependsOn] }));
        for (let k = 1; k < chain.length; k++) {
          const t = copy[chain[k]!]!;
          const dep = copy[chain[k - 1]!]!.id;
          if (!t.dependsOn.includes(dep)) t.dependsOn.push(dep);
        }
        copy[chain[0]!]!.dependsOn.push(copy[chain[len - 1]!]!.id);
        const source = render(copy, {
          columns: ['id', 'name', 'description', 'deps', 'owner'],
          separator: ', ',
          none: '-',
          headerCase: 'title',
          prose: false,
          crlf: false,
        });
        let error: unknown;
        try {
          parseCascade(source);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CascadeError);
        const diagnostics = (error as CascadeError).diagnostics;
        expect(diagnostics.length).toBeGreaterThan(0);
        expect(diagnostics.every((d) => d.code === 'E_CYCLE')).toBe(true);
        const byId = new Map(copy.map((t) => [t.id, t]));
        for (const cycle of (error as CascadeError).cycles!) {
          expect(cycle[0]).toBe(cycle.at(-1));
          for (let k = 1; k < cycle.length; k++) {
            expect(byId.get(cycle[k]!)!.dependsOn).toContain(cycle[k - 1]);
          }
        }
        const onCycles = new Set((error as CascadeError).cycles!.flat());
        expect(onCycles.has(copy[chain[0]!]!.id)).toBe(true);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

// ---------- the fast markdown path against a whole-file parse ----------

const fragments = [
  '# Title',
  '## L1: Branch',
  '### L2: Group',
  '#### L2: deep',
  'Setext title\n===',
  'Setext | sub\n---',
  '| Task ID | Depends On |\n|---|---|\n| A1 | - |',
  '| Task ID | Depends On |\n|---|---|\n| A2 | A1 |\n| A3 | A1, A2 |',
  'Task ID | Depends On\n--- | ---\nB1 | A1',
  '| a | b |\n|---|---|',
  'text with | pipe',
  'plain prose line',
  '> | Task ID | Depends On |\n> |---|---|\n> | Q1 | - |',
  '> quote\n| Task ID | Depends On |\n|---|---|\n| Q2 | - |',
  '- | x | y |\n|---|---|',
  '- item\n\n  | Task ID | Depends On |\n  |---|---|\n  | L1 | - |',
  '```\n| Task ID | Depends On |\n|---|---|\n| C1 | - |\n```',
  '~~~md\n| a |\n\n|---|\n~~~',
  '<!--\n| Task ID | Depends On |\n\n|---|---|\n-->',
  '<div>\n| a | b |\n</div>',
  '<span>\n| a | b |\n|---|---|',
  '    | indented | code |\n    |---|---|',
  '***',
  '1. item\n   | a | b |\n   |---|---|\n   | c | d |',
  '| c1 | c2 |\n|:-:|--|\nrow without pipes\n## heading after',
  'para\n| T | D |\n|---|---|\n| x | y |',
  '  | Task ID | Depends On |\n  |---|---|\n  | I1 | - |',
  '| `code \\| pipe` | **bold** [link](u) |\n|---|---|\n| x | y |',
  '| Task ID | Depends On |\n|---|---|\n| E1 | - |\n\n\n| E2 | E1 |',
  '| only header |',
  '|---|',
  'line one\nline two | pipe\n',
  '| Task ID | Depends On |\n| --- | --- |\n| R1 | - |\n- list interrupts',
  '| Task ID | Depends On |\n|---|---|\n| R2 | - |\n> quote interrupts',
  '| Task ID | Depends On |\n|---|---|\n| R3 | - |\n```\ncode\n```',
  '| Task ID | Depends On |\n|---|---|\n| R4 | - |\n2. ordered item',
  '| Task ID | Depends On |\n|---|---|\n| R5 | - |\n<span>',
  '| Task ID | Depends On |\n|---|---|\n| R6 | - |\n    indented row',
  '   continuation indented three',
  '      continuation indented six',
  '<span>',
  '2. ordered',
];

const documentArb = fc
  .array(
    fc.tuple(
      fc.constantFrom(...fragments),
      fc.constantFrom('\n', '\n\n', '\n\n\n', '\r\n', '\r\n\r\n'),
    ),
    {
      maxLength: 14,
    },
  )
  .map((parts) => parts.map(([text, sep]) => text + sep).join(''));

describe('fast markdown path', () => {
  it('gives exactly the headings and tables (with positions) of a whole-file parse', () => {
    fc.assert(
      fc.property(documentArb, (source) => {
        expect(readBlocks(source, 'fast')).toEqual(readBlocks(source, 'whole'));
      }),
      { numRuns: Number(process.env.FAST_PATH_RUNS ?? 400) },
    );
  }, 600_000);

  it('gives the same parse result, diagnostics included', () => {
    const outcome = (source: string, strategy: 'fast' | 'whole') => {
      try {
        const c = parseWith(source, {}, strategy);
        return { tasks: c.tasks, hierarchy: c.hierarchy, warnings: c.warnings };
      } catch (e) {
        return { error: (e as CascadeError).diagnostics, warnings: (e as CascadeError).warnings };
      }
    };
    fc.assert(
      fc.property(documentArb, (source) => {
        expect(outcome(source, 'fast')).toEqual(outcome(source, 'whole'));
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('parsing long tables in pieces gives exactly the blocks of one parse', () => {
    // Pieces of 2 and 3 lines, so the fragments above (tables cut by interrupting lines, CRLF,
    // pipes in code, rows without pipes, tables after a paragraph line) all cross piece borders.
    const tableRows = fc.array(
      fc.constantFrom(
        '| R1 | - |',
        '| `a \\| b` | **x** |',
        'row without pipes',
        '| x |',
        '| a | b | c |',
        '|---|---|',
        '| [l](u) | <b>h</b> |',
      ),
      { minLength: 0, maxLength: 12 },
    );
    const withLongTable = fc
      .tuple(documentArb, tableRows, fc.constantFrom('\n', '\r\n'), documentArb)
      .map(
        ([before, rows, eol, after]) =>
          `${before}\n\n| Task ID | Depends On |${eol}|---|---|${eol}${rows.join(eol)}${eol}\n${after}`,
      );
    fc.assert(
      fc.property(fc.oneof(documentArb, withLongTable), fc.constantFrom(2, 3, 5), (source, n) => {
        expect(readBlocks(source, 'fast', { tablePieceLines: n })).toEqual(
          readBlocks(source, 'whole'),
        );
      }),
      { numRuns: Number(process.env.FAST_PATH_RUNS ?? 400) },
    );
  }, 600_000);

  it('a 2,000-row table parsed in pieces equals one parse of it', () => {
    const rows = Array.from(
      { length: 2000 },
      (_, i) => `| T${i} | Task \`${i}\` \\| **b** | ${i ? `T${i - 1}` : '-'} |`,
    );
    const source = `# P\n\n## L1: A\n### L2: G\n| Task ID | Task Name | Depends On |\n|---|---|---|\n${rows.join('\n')}\n`;
    const fast = readBlocks(source, 'fast');
    expect(fast).toEqual(readBlocks(source, 'whole'));
    const table = fast.find((b) => b.kind === 'table');
    expect(table?.node.children).toHaveLength(2001);
  }, 120_000);

  it('falls back to the whole-file parse when reference definitions exist', () => {
    const source =
      '# P\n\n## L1: A\n### L2: G\n| Task ID | Task Name | Depends On |\n|---|---|---|\n| X | [see][r] | - |\n\n[r]: https://example.com\n';
    const blocks = readBlocks(source, 'fast');
    expect(blocks).toEqual(readBlocks(source, 'whole'));
    expect(parseCascade(source).tasks[0]!.name).toBe('see');
  });
});
