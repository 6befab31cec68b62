import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { nova, removeDir, tempDir, WORKERS, writePlan } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

interface Echo {
  argv: string[];
  stdin: string;
  taskId: string;
}

interface PlanJson {
  projectName: string;
  tasks: { id: string; name: string; description: string }[];
}

test('hostile task text reaches the worker byte for byte through placeholders and stdin; nothing runs', () => {
  const dir = tempDir();
  dirs.push(dir);
  const sentinels = join(dir, 'sentinels');
  const out = join(dir, 'out');
  for (const d of [sentinels, out]) mkdirSync(d);
  const s = (n: number) => join(sentinels, `S${n}`);
  const long = `${'A very long description; '.repeat(2400)}$(touch ${s(9)})`;
  // Each row: name cell, description cell, and a substring the parsed text must keep.
  const rows: [string, string, string][] = [
    [
      `$(touch ${s(1)})`,
      `\`\`touch ${s(2)}\`\` and \`\`\`echo \`id\` > ${s(3)}\`\`\``,
      `$(touch ${s(1)})`,
    ],
    [`--help`, `; touch ${s(4)} && rm -rf ${sentinels} \\| tee ${s(5)}`, `| tee ${s(5)}`],
    [`-rf /`, `'single' "double" \\'esc\\' > ${s(6)} < /etc/passwd 2>&1 &`, `"double"`],
    [
      `{id} {prompt} {name}`,
      `literal {description} {project} %s %n \${HOME} $HOME ~ * ? [a-z]`,
      '{description}',
    ],
    [`line<br>break`, `first line<br>second line<br/>third\ttab`, 'first line'],
    [`ünïcödé ✓ 🚀 עברית`, `null-ish \\0 \\x00 %00 \\\\ back\\\\slash`, '🚀'],
    [`--worker-cmd=evil`, long, `$(touch ${s(9)})`],
    [`-`, `-- -- --`, '-- -- --'],
  ];
  const table = rows.map(([name, desc], i) => `| H${i + 1} | ${name} | ${desc} | - |`).join('\n');
  const plan = writePlan(
    dir,
    `# $(touch ${s(7)}) \`touch ${s(8)}\` Project

## L1: App

### L2: Core

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
${table}
`,
  );

  const parsed = nova(['plan', plan, '--json'], dir);
  expect(parsed.code, parsed.stderr).toBe(0);
  const doc = JSON.parse(parsed.stdout) as PlanJson;
  expect(doc.tasks).toHaveLength(rows.length);
  rows.forEach(([, , keep], i) => {
    const t = doc.tasks[i]!;
    expect(`${t.name}\n${t.description}`).toContain(keep);
  });

  const run = nova(
    [
      'run',
      plan,
      '--state',
      join(dir, 'state.json'),
      '-j',
      '2',
      '--worker-cmd',
      `'${process.execPath}' '${join(WORKERS, 'echo-args.mjs')}' {id} {name} {description} --desc={description} {project} '{name}:{description}'`,
    ],
    dir,
    { PG_OUT_DIR: out },
  );
  expect(run.code, run.stderr).toBe(0);

  for (const t of doc.tasks) {
    const echo = JSON.parse(readFileSync(join(out, `${t.id}.json`), 'utf8')) as Echo;
    expect(echo.taskId).toBe(t.id);
    expect(echo.argv).toEqual([
      t.id,
      t.name,
      t.description,
      `--desc=${t.description}`,
      doc.projectName,
      `${t.name}:${t.description}`,
    ]);
    // The prompt on stdin carries the same text unaltered.
    expect(echo.stdin).toContain(t.description);
    expect(echo.stdin).toContain(t.name);
  }
  // Nothing was executed: no sentinel exists anywhere it could have been created.
  expect(readdirSync(sentinels)).toEqual([]);
  for (let n = 1; n <= 9; n++) expect(existsSync(s(n))).toBe(false);
});
