import { afterAll, describe, expect, it } from 'vitest';
import { nova, tempDir } from './helpers.js';

const VALID = `# Shop

## L1: Backend
### L2: Data
| Task ID | Task Name | What Changes | Depends On |
|---|---|---|---|
| D1 | Schema | Tables for products | - |
| D2 | Seed | Demo data | D1 |

## L1: Frontend
### L2: Pages
| Task ID | Task Name | What Changes | Depends On |
|---|---|---|---|
| P1 | List page | Products list | D1 |
| P2 | Detail page | "Product" <detail> #1 | P1, D2 |
| P3 | Styles | CSS | - |
`;

const INVALID = `# Broken

## L1: App
### L2: Core
| Task ID | Depends On |
|---|---|
| F1 | F3 |
| F2 | F1 |
| F3 | F2 |
| F4 | F1, F5 |
| F4 | - |
#### L2: too deep
`;

const t = tempDir();
afterAll(() => t.cleanup());
t.write('CASCADE.md', VALID);
const invalidPath = t.write('broken.md', INVALID);
t.write('warn.md', `## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n| X1 | - |\n`);

describe('nova validate', { timeout: 120_000 }, () => {
  it('reads ./CASCADE.md by default and exits 0 when valid', () => {
    const r = nova(['validate'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'CASCADE.md: valid: 5 tasks in 2 branches and 2 groups, 3 waves, critical path 3 tasks\n',
    );
    expect(r.stderr).toBe('');
  });

  it('prints every problem as file:line:col error CODE message and exits 2', () => {
    const r = nova(['validate', 'broken.md'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n')).toEqual([
      'broken.md:7:8 error E_CYCLE dependency cycle F1 -> F2 -> F3 -> F1 (F2 depends on F1, F3 depends on F2, F1 depends on F3)',
      'broken.md:10:12 error E_UNKNOWN_DEPENDENCY task "F4" depends on unknown task "F5"',
      'broken.md:11:3 error E_DUPLICATE_ID duplicate task ID "F4": also defined on line 10',
      'broken.md:12:1 warning W_IGNORED_CONTENT "#### L2: too deep" looks like a group heading but is level 4; use "### L2: too deep"',
      'broken.md: invalid: 3 errors (1 warning)',
      '',
    ]);
    expect(r.stderr).toBe('');
  });

  it('accepts an absolute path and reports it as given', () => {
    const r = nova(['validate', invalidPath], '/');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${invalidPath}:7:8 error E_CYCLE`);
  });

  it('prints warnings of a valid plan and still exits 0', () => {
    const r = nova(['validate', 'warn.md'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warn.md:1:1 warning W_NO_PROJECT_NAME');
    expect(r.stdout).toContain('warn.md: valid: 1 task in 1 branch and 1 group');
  });

  it('--json gives errors and warnings for machines', () => {
    const r = nova(['validate', 'broken.md', '--json'], t.dir);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.errors.map((e: { code: string }) => e.code)).toEqual([
      'E_CYCLE',
      'E_UNKNOWN_DEPENDENCY',
      'E_DUPLICATE_ID',
    ]);
    expect(doc.warnings).toHaveLength(1);
  });

  it('a missing file is one clear line on stderr and exit 2, no stack trace', () => {
    const r = nova(['validate', 'nope.md'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('nova: error: nope.md: no such file\n');
  });

  it('a directory is a clear error too', () => {
    const r = nova(['validate', '.'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nova: error: .: is a directory, not a CASCADE.md file\n');
  });

  it('no ./CASCADE.md in an empty folder', () => {
    const empty = tempDir();
    try {
      const r = nova(['validate'], empty.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('nova: error: CASCADE.md: no such file\n');
    } finally {
      empty.cleanup();
    }
  });
});

describe('nova plan', { timeout: 120_000 }, () => {
  it('prints project, counts, branches, waves and the critical path', () => {
    const r = nova(['plan'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Shop',
        'CASCADE.md: 5 tasks in 2 branches, 2 groups',
        '',
        'Branches',
        '  Backend (2 tasks)',
        '    Data (2): D1, D2',
        '  Frontend (3 tasks)',
        '    Pages (3): P1, P2, P3',
        '',
        'Waves (3; at most 2 tasks can run at once)',
        '  1. D1, P3',
        '  2. D2, P1',
        '  3. P2',
        '',
        'Critical path (3 tasks)',
        '     D1 Schema',
        '  -> D2 Seed',
        '  -> P2 Detail page',
        '',
      ].join('\n'),
    );
  });

  it('--json prints the documented shape', () => {
    const r = nova(['plan', '--json'], t.dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual([
      'projectName',
      'tasks',
      'hierarchy',
      'waves',
      'criticalPath',
    ]);
    expect(doc.projectName).toBe('Shop');
    expect(doc.tasks[3]).toEqual({
      id: 'P2',
      name: 'Detail page',
      description: '"Product" <detail> #1',
      dependsOn: ['P1', 'D2'],
      branch: 'Frontend',
      group: 'Pages',
    });
    expect(doc.hierarchy).toEqual([
      { branch: 'Backend', groups: [{ group: 'Data', tasks: ['D1', 'D2'] }] },
      { branch: 'Frontend', groups: [{ group: 'Pages', tasks: ['P1', 'P2', 'P3'] }] },
    ]);
    expect(doc.waves).toEqual([['D1', 'P3'], ['D2', 'P1'], ['P2']]);
    expect(doc.criticalPath).toEqual({
      path: ['D1', 'D2', 'P2'],
      length: 3,
      remaining: { D1: 3, D2: 2, P1: 2, P2: 1, P3: 1 },
    });
  });

  it('--mermaid prints a flowchart with subgraphs per branch and group', () => {
    const r = nova(['plan', '--mermaid'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'flowchart TD',
        '  subgraph b1["Backend"]',
        '    subgraph b1g1["Data"]',
        '      t1["D1: Schema"]',
        '      t2["D2: Seed"]',
        '    end',
        '  end',
        '  subgraph b2["Frontend"]',
        '    subgraph b2g1["Pages"]',
        '      t3["P1: List page"]',
        '      t4["P2: Detail page"]',
        '      t5["P3: Styles"]',
        '    end',
        '  end',
        '  t1 --> t2',
        '  t1 --> t3',
        '  t3 --> t4',
        '  t2 --> t4',
        '',
      ].join('\n'),
    );
  });

  it('an invalid plan prints its diagnostics on stderr and exits 2', () => {
    const r = nova(['plan', 'broken.md', '--json'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('broken.md:7:8 error E_CYCLE dependency cycle F1 -> F2 -> F3 -> F1');
    expect(r.stderr).toContain('nova: error: broken.md is not valid (3 problems)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('warnings go to stderr, the JSON stays clean', () => {
    const r = nova(['plan', 'warn.md', '--json'], t.dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).projectName).toBe('Unnamed Project');
    expect(r.stderr).toContain('warn.md:1:1 warning W_NO_PROJECT_NAME');
  });

  it('--json and --mermaid together is a usage error', () => {
    const r = nova(['plan', '--json', '--mermaid'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "nova: error: --json and --mermaid cannot be used together\nRun 'nova plan --help' for usage.\n",
    );
  });
});
