// Worktree-per-task bench on a repository of 10,000 small files in nested folders:
//  - one task's git work: @program-nova/workspace's prepare (no dependencies) + a small change +
//    finish, against bare git doing the same: `git worktree add -b <branch> <path> <base>` + the
//    same change + `git add -A` + `git commit`. Alternated round by round in one invocation; the
//    ratio is the median of the rounds' ratios;
//  - the same with 3 tasks at once (Nova serialises `git worktree add` and checks out in parallel);
//  - disk used by one worktree (the checked-out files and its index; objects stay in the shared
//    repository and are not copied).
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const title = 'workspace (git worktree per task)';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '../../packages/workspace/dist/index.js');
const FILES = 10_000;
// Every task checks out 10,000 files: rounds are few so that the suite takes minutes.
const ROUNDS = 9;
const PARALLEL_ROUNDS = 3;
const PARALLEL = 3;

const execFileAsync = promisify(execFile);
// The bare side gets the settings Nova's git calls get, so both do the same work (no automatic gc
// halfway through a commit).
const SAME = ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];
const git = (cwd, ...args) =>
  execFileAsync('git', [...SAME, ...args], {
    cwd,
    env: { ...process.env, LC_ALL: 'C' },
    maxBuffer: 1 << 26,
  });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => bytes / 1024 ** 2;

/** 10,000 files of a few lines each, 10 top folders x 10 subfolders x 100 files, one commit, packed. */
async function makeRepository(root) {
  mkdirSync(root, { recursive: true });
  await git(root, 'init', '-q', '-b', 'main');
  await git(root, 'config', 'user.name', 'Bench');
  await git(root, 'config', 'user.email', 'bench@example.invalid');
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `pkg${Math.floor(i / 1000)}`, `mod${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `file${i}.ts`),
      `// file ${i}\nexport const value${i} = ${i};\nexport function f${i}() {\n  return value${i} * 2;\n}\n`,
    );
  }
  await git(root, 'add', '-A');
  await git(root, 'commit', '-q', '-m', 'generated');
  // As a real repository would be: packed, not 10,000 loose objects.
  await git(root, 'gc', '-q');
  return (await git(root, 'rev-parse', 'HEAD')).stdout.trim();
}

/** The agent's work: one new file and one edited file. */
function change(path, id) {
  writeFileSync(join(path, `NEW-${id}.md`), `# ${id}\n\nwritten by the task\n`);
  writeFileSync(
    join(path, 'pkg3', 'mod4', 'file3456.ts'),
    `// file 3456, edited by ${id}\nexport const value3456 = 0;\n`,
  );
}

/** Bytes on disk under `path` (allocated blocks, like `du`), and the apparent size of its files. */
function diskUsage(path) {
  let blocks = 0;
  let apparent = 0;
  let files = 0;
  const visit = (p) => {
    const st = lstatSync(p);
    blocks += st.blocks * 512;
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else {
      apparent += st.size;
      files++;
    }
  };
  visit(path);
  return { blocks, apparent, files };
}

async function novaTask(ws, base, id) {
  const t0 = performance.now();
  const p = await ws.prepare({ taskId: id, base });
  const t1 = performance.now();
  change(p.path, id);
  await ws.finish({ taskId: id, message: `${id}: bench task`, startPoint: p.startPoint });
  const t2 = performance.now();
  return { prepare: t1 - t0, finish: t2 - t1, total: t2 - t0, path: p.path };
}

async function bareTask(root, dir, base, id) {
  const path = join(dir, id);
  const t0 = performance.now();
  await git(root, 'worktree', 'add', '-q', '-b', `bare/${id}`, path, base);
  const t1 = performance.now();
  change(path, id);
  await git(path, 'add', '-A');
  await git(path, 'commit', '-q', '-m', `${id}: bench task`);
  const t2 = performance.now();
  return { prepare: t1 - t0, finish: t2 - t1, total: t2 - t0, path };
}

async function bareClean(root, dir) {
  rmSync(dir, { recursive: true, force: true });
  await git(root, 'worktree', 'prune');
}

export async function run() {
  const { createWorkspaces } = await import(DIST);
  const tmp = mkdtempSync(join(tmpdir(), 'nova-bench-workspace-'));
  const rows = [];
  try {
    const root = join(tmp, 'repo');
    const base = await makeRepository(root);
    const ws = createWorkspaces({
      repoRoot: root,
      worktreesDir: join(tmp, 'nova-worktrees'),
      projectSlug: 'bench',
    });
    const bareDir = join(tmp, 'bare-worktrees');
    const sides = {
      nova: async (id) => novaTask(ws, base, id),
      bare: async (id) => bareTask(root, bareDir, base, id),
    };
    const cleanSide = { nova: () => ws.clean(), bare: () => bareClean(root, bareDir) };

    // Warm-up (file cache, git's first run), unmeasured.
    await sides.nova('warm-n');
    await sides.bare('warm-b');
    await cleanSide.nova();
    await cleanSide.bare();

    // One task per side per round, back to back, the side going first alternating: each round's
    // ratio compares two runs made moments apart, so the load other programs put on a shared
    // machine (which swings far more than the difference measured) cancels out; the figure is the
    // median of those ratios.
    const one = { nova: [], bare: [] };
    let usage = null;
    for (let r = 0; r < ROUNDS; r++) {
      for (const side of r % 2 === 0 ? ['nova', 'bare'] : ['bare', 'nova']) {
        const single = await sides[side](`${side}-r${r}`);
        one[side].push(single);
        if (r === 0) usage = { ...usage, [side]: diskUsage(single.path) };
        await cleanSide[side]();
      }
    }
    const many = { nova: [], bare: [] };
    for (let r = 0; r < PARALLEL_ROUNDS; r++) {
      for (const side of r % 2 === 0 ? ['nova', 'bare'] : ['bare', 'nova']) {
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: PARALLEL }, (_, k) => sides[side](`${side}-p${r}-${k}`)),
        );
        many[side].push(performance.now() - t0);
        await cleanSide[side]();
      }
    }

    /** Medians of both sides and of the per-round ratios. */
    const compare = (nova, bare) => ({
      value: median(nova),
      baseline: median(bare),
      ratio: median(nova.map((n, i) => n / bare[i])),
    });
    const phase = (key) =>
      compare(
        one.nova.map((x) => x[key]),
        one.bare.map((x) => x[key]),
      );
    const total = phase('total');
    rows.push({
      name: 'one task: prepare + change + finish',
      unit: 'ms',
      ...total,
      target: '<= 1.5x',
      pass: total.ratio <= 1.5,
      note: `${FILES} files; baseline: git worktree add -b + same change + git add -A + git commit; ${ROUNDS} alternated rounds, ratio = median of the rounds' ratios`,
    });
    for (const [key, bare] of [
      ['prepare', 'git worktree add -b'],
      ['finish', 'git add -A + git commit'],
    ]) {
      rows.push({
        name: `one task: ${key} alone`,
        unit: 'ms',
        ...phase(key),
        note: `baseline: ${bare}`,
      });
    }
    rows.push({
      name: `${PARALLEL} tasks at once: prepare + change + finish`,
      unit: 'ms',
      ...compare(many.nova, many.bare),
      note: `wall time for all ${PARALLEL}, ${PARALLEL_ROUNDS} rounds; baseline: ${PARALLEL} bare sequences at once`,
    });
    rows.push({
      name: 'disk per worktree',
      value: mb(usage.nova.blocks),
      unit: 'MB',
      baseline: mb(usage.bare.blocks),
      ratio: usage.nova.blocks / usage.bare.blocks,
      note: `du-style (allocated blocks), ${usage.nova.files} files (checkout + index + git's per-worktree files), apparent ${mb(usage.nova.apparent).toFixed(1)} MB; objects are shared: the repository's .git is ${mb(diskUsage(join(root, '.git')).blocks).toFixed(1)} MB once, not per worktree; baseline: a bare git worktree`,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}
