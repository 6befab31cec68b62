/**
 * Worktrees across machines: `nova run --executor bullmq --repo <bare repository>` with `nova
 * worker --repo` in folders of their own (each its own "machine": its own repository, worktrees
 * and logs). A real redis-server, real git, real processes; the agent is a small script.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killStarted, nova, type Started, startNova, tempDir, waitFor } from './helpers.js';
import { startRedis, type TestRedis } from './redis-support.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(() => killStarted());

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: 'pipe',
    env: withoutGitVariables(),
  }).trim();

/** The test's git never follows a repository a surrounding hook or wrapper pointed at. */
function withoutGitVariables(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR'])
    delete env[name];
  return env;
}

/**
 * Writes `<id>.txt` naming the other tasks' files it found (its dependencies' work; a retry after a
 * failed verify may find its own) and, for the tasks AGENT_SHARED names, `shared.md` with its id
 * (two dependencies that both wrote it conflict).
 */
const AGENT = `import { readdirSync, writeFileSync } from 'node:fs';
const id = process.env.NOVA_TASK_ID;
const seen = readdirSync('.').filter((f) => f.endsWith('.txt') && f !== id + '.txt').sort().join(',');
writeFileSync(id + '.txt', id + ' saw ' + seen + '\\n');
if ((process.env.AGENT_SHARED ?? '').split(',').includes(id)) writeFileSync('shared.md', 'written by ' + id + '\\n');
process.stdout.write(JSON.stringify({ type: 'result', subtype: 'success', result: id + ' done' }) + '\\n');
`;

/** Fails the first check of B2 (a marker file remembers), passes every other. */
const VERIFY = `import { existsSync, writeFileSync } from 'node:fs';
const [mark, id] = process.argv.slice(2);
if (id === 'B2' && !existsSync(mark)) {
  writeFileSync(mark, '');
  console.log('B2 is not right yet');
  process.exit(1);
}
`;

const PLAN = `# Shared Repo

## L1: App

### L2: Core

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| A1      | Base      | The base     | -          |
| B1      | Left      | On A1        | A1         |
| B2      | Right     | On A1        | A1         |
| C1      | Join      | Both sides   | B1, B2     |
| D1      | Alone     | Nothing      | -          |
`;

/** The user's repository (the plan committed), a bare shared remote, two worker folders. */
function setup() {
  const t = tempDir();
  const user = join(t.dir, 'user');
  const remote = join(t.dir, 'shared.git');
  mkdirSync(user);
  git(t.dir, 'init', '-q', '--bare', remote);
  git(user, 'init', '-q', '-b', 'main');
  git(user, 'config', 'user.name', 'Test');
  git(user, 'config', 'user.email', 'test@example.invalid');
  t.write('user/CASCADE.md', PLAN);
  t.write('user/.gitignore', 'cascade_state.json*\nlogs/\nworktrees/\n');
  git(user, 'add', '-A');
  git(user, 'commit', '-q', '-m', 'plan');
  const agent = t.write('agent.mjs', AGENT);
  const verify = t.write('verify.mjs', VERIFY);
  // The workers' copies of the plan give D1 a Verify command of its own (a worker's own
  // configuration, like --verify): it leaves a marker where it ran.
  const columnVerify = t.write(
    'column-verify.mjs',
    "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2], process.cwd());\n",
  );
  const workerPlan = PLAN.replace('| Depends On |', '| Depends On | Verify |')
    .replace('| ---------- |', '| ---------- | ------ |')
    .replace(/^(\| [ABC]\d .*\|)$/gm, '$1 - |')
    .replace(
      /^(\| D1 .*\|)$/m,
      `$1 '${process.execPath}' '${columnVerify}' '${join(t.dir, 'column-verified')}' |`,
    );
  const machines = ['m1', 'm2'].map((m) => {
    mkdirSync(join(t.dir, m));
    t.write(`${m}/CASCADE.md`, workerPlan);
    return join(t.dir, m);
  });
  return { t, user, remote, agent, verify, machines };
}

function startWorker(
  dir: string,
  extra: string[],
  agent: string,
  env: NodeJS.ProcessEnv = {},
): Started {
  return startNova(
    [
      'worker',
      '--redis',
      redis.url,
      '--concurrency',
      '2',
      '--worker-cmd',
      `'${process.execPath}' '${agent}'`,
      ...extra,
    ],
    dir,
    env,
  );
}

async function started(workers: Started[]): Promise<void> {
  await Promise.all(
    workers.map((w) =>
      waitFor(() => w.stdout().includes('queue nova-shared-repo'), 'a worker to start'),
    ),
  );
}

async function stop(workers: Started[]): Promise<void> {
  for (const w of workers) w.child.kill('SIGINT');
  for (const w of workers) await w.exited;
}

const state = (user: string) =>
  JSON.parse(readFileSync(join(user, 'cascade_state.json'), 'utf8')) as {
    tasks: Record<
      string,
      { status: string; attempts: number; runner?: { pid: number }; git?: { head: string } }
    >;
  };

describe('nova run --executor bullmq --repo: a worktree per task on each worker machine', () => {
  it("dependents start from their dependencies' work done on other machines; the result comes home", async () => {
    const { t, user, remote, agent, verify, machines } = setup();
    const mark = join(t.dir, 'verified-once');
    const workers = machines.map((m) =>
      startWorker(
        m,
        ['--repo', remote, '--verify', `'${process.execPath}' '${verify}' '${mark}' {id}`],
        agent,
      ),
    );
    await started(workers);
    expect(workers[0]!.stdout()).toContain(
      `worktrees from ${remote} in ${machines[0]}/.nova-worker`,
    );
    const headBefore = git(user, 'rev-parse', 'HEAD');

    const runArgs = [
      'run',
      '--executor',
      'bullmq',
      '--redis',
      redis.url,
      '--repo',
      remote,
      '-j',
      '4',
    ];
    const run = nova([...runArgs, '--retries', '1'], user);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Workspace: a git worktree per task on each worker machine, shared through ${remote}, base ${headBefore.slice(0, 12)} (main)`,
    );
    expect(run.stdout).toContain('all 5 tasks completed');
    // The worker's verify rejected B2 once; the retry passed it.
    expect(run.stdout).toMatch(/retrying +B2 Right in .*: verify .* exited with code 1/);

    // Each task saw exactly its dependencies' work (transitively), made on whichever machine.
    const result = 'nova/shared-repo/result';
    const show = (id: string) => git(user, 'show', `${result}:${id}.txt`);
    expect(show('A1')).toBe('A1 saw');
    expect(show('B1')).toBe('B1 saw A1.txt');
    expect(show('B2')).toBe('B2 saw A1.txt');
    expect(show('C1')).toBe('C1 saw A1.txt,B1.txt,B2.txt');
    expect(show('D1')).toBe('D1 saw');

    const s = state(user);
    const pids = new Set(workers.map((w) => w.child.pid));
    for (const id of ['A1', 'B1', 'B2', 'C1', 'D1']) {
      const task = s.tasks[id]!;
      expect(task.status).toBe('completed');
      expect(pids.has(task.runner!.pid)).toBe(true);
      // The branch in the user's repository and on the remote is the head the state recorded.
      expect(git(user, 'rev-parse', `nova/shared-repo/tasks/${id}`)).toBe(task.git!.head);
      expect(git(remote, 'rev-parse', `nova/shared-repo/tasks/${id}`)).toBe(task.git!.head);
    }
    expect(s.tasks.B2!.attempts).toBe(2);
    expect(git(remote, 'rev-parse', result)).toBe(git(user, 'rev-parse', result));
    // The user's own branch and tree were left alone.
    expect(git(user, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(git(user, 'status', '--porcelain')).toBe('');
    // D1 was checked by its own Verify column on the worker, in its worktree there.
    expect(readFileSync(join(t.dir, 'column-verified'), 'utf8')).toMatch(
      /\/\.nova-worker\/worktrees\/shared-repo\/D1$/,
    );
    // The logs beside the state hold the workers' output, the verify line included.
    expect(readFileSync(join(user, 'logs', 'B2.log'), 'utf8')).toContain('# nova: verify');
    // Each machine worked in its own repository, never in the shared one, and kept no worktree of
    // its tasks (B2's failed verify leaves its work where it ran, for a retry there, until B2's
    // completion there frees it).
    const b2Runner = s.tasks.B2!.runner!.pid;
    for (const [k, m] of machines.entries()) {
      expect(existsSync(join(m, '.nova-worker', 'repo', '.git'))).toBe(true);
      const left = ['A1', 'B1', 'B2', 'C1', 'D1'].filter((id) =>
        existsSync(join(m, '.nova-worker', 'worktrees', 'shared-repo', id)),
      );
      expect(left).toEqual(left.length > 0 && workers[k]!.child.pid !== b2Runner ? ['B2'] : []);
    }

    // A1 changed in the plan: run again with --rerun-changed. Its old work, still on the remote,
    // is Nova's (the state's head), not a user's: A1 starts from the base again, not from it.
    // The rerun goes to the machine that did not run A1: it has no branch or record of its own.
    const oldA1 = s.tasks.A1!.git!.head;
    const ranA1 = workers.find((w) => w.child.pid === s.tasks.A1!.runner!.pid)!;
    await stop([ranA1]);
    t.write('user/CASCADE.md', PLAN.replace('The base  ', 'A new base'));
    git(user, 'commit', '-q', '-am', 'change A1');
    const again = nova([...runArgs, '--rerun-changed'], user);
    expect(again.stderr).toMatch(/^nova: warning: the plan changed since.*A1/);
    expect(again.code).toBe(0);
    const newA1 = state(user).tasks.A1!.git!.head;
    expect(newA1).not.toBe(oldA1);
    expect(git(user, 'rev-parse', `${newA1}^`)).toBe(headBefore);
    expect(git(user, 'merge-base', '--is-ancestor', newA1, 'nova/shared-repo/result')).toBe('');
    await stop(workers.filter((w) => w !== ranA1));
  });

  it('a merge conflict says how to resolve it through the remote; the pushed resolution is where the task starts', async () => {
    const { t, user, remote, agent, machines } = setup();
    const env = { AGENT_SHARED: 'B1,B2' };
    const workers = machines.map((m) => startWorker(m, ['--repo', remote], agent, env));
    await started(workers);
    const args = ['run', '--executor', 'bullmq', '--redis', redis.url, '--repo', remote];
    const first = nova(args, user);
    expect(first.code).toBe(1);
    const line = first.stdout.split('\n').find((l) => l.startsWith('failed    C1'));
    expect(line).toContain(
      `task C1 cannot start: merging B2's work into the work of B1 conflicts in shared.md; resolve it in any clone of ${remote}: fetch it, create branch nova/shared-repo/tasks/C1 from nova/shared-repo/tasks/B1, \`git merge\` nova/shared-repo/tasks/B2 there, fix the conflicts, commit, \`git push\` the branch to ${remote}, then \`nova retry C1\``,
    );

    // Done as the message says, in a clone on "another machine".
    const clone = join(t.dir, 'clone');
    git(t.dir, 'clone', '-q', remote, clone);
    git(clone, 'config', 'user.name', 'Resolver');
    git(clone, 'config', 'user.email', 'r@example.invalid');
    git(
      clone,
      'switch',
      '-q',
      '-c',
      'nova/shared-repo/tasks/C1',
      'origin/nova/shared-repo/tasks/B1',
    );
    expect(() => git(clone, 'merge', '-q', 'origin/nova/shared-repo/tasks/B2')).toThrow();
    t.write('clone/shared.md', 'resolved by hand\n');
    git(clone, 'commit', '-q', '-am', 'resolve B1 and B2');
    const resolution = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'push', '-q', 'origin', 'nova/shared-repo/tasks/C1');

    expect(nova(['retry', 'C1'], user).code).toBe(0);
    const second = nova(args, user);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('all 5 tasks completed');
    const c1 = state(user).tasks.C1!.git!.head;
    expect(git(user, 'rev-parse', `${c1}^`)).toBe(resolution);
    expect(git(user, 'show', 'nova/shared-repo/result:shared.md')).toBe('resolved by hand');
    expect(git(user, 'show', 'nova/shared-repo/result:C1.txt')).toBe('C1 saw A1.txt,B1.txt,B2.txt');
    await stop(workers);
  });

  it('a worker without --repo stops the run with the task pending and says why; an unreachable remote is refused up front', async () => {
    const { user, remote, agent, machines } = setup();
    const worker = startWorker(machines[0]!, [], agent);
    await started([worker]);
    expect(worker.stdout()).toContain('no --repo: runs in worktree mode are refused');
    const run = nova(['run', '--executor', 'bullmq', '--redis', redis.url, '--repo', remote], user);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n').at(-2)).toMatch(
      /^nova: error: Task (A1|D1): worker .+ \(pid \d+\) cannot take it: the run works in git worktrees and this worker has no repository: start it with --repo <the run's shared remote>$/,
    );
    const s = state(user);
    for (const task of Object.values(s.tasks)) expect(task.status).toBe('pending');
    // The worker says so too.
    await waitFor(() => worker.stderr().includes('cannot take it'), "the worker's warning");
    expect(worker.stderr()).toMatch(
      /^nova: warning: refused job \w+:(A1|D1):1: Task (A1|D1): worker /,
    );
    await stop([worker]);

    const gone = nova(
      [
        'run',
        '--executor',
        'bullmq',
        '--redis',
        redis.url,
        '--repo',
        'http://u:pw-123@127.0.0.1:9/x.git',
      ],
      user,
    );
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(
      /^nova: error: cannot reach http:\/\/u:\*\*\*@127\.0\.0\.1:9\/x\.git: /,
    );
    expect(gone.stderr).not.toContain('pw-123');
    // So is a worker's.
    const lost = nova(
      [
        'worker',
        '--redis',
        redis.url,
        '--agent',
        'simulated',
        '--repo',
        join(machines[1]!, 'no-such.git'),
      ],
      machines[1]!,
    );
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(
      /^nova: error: cannot reach .*no-such\.git: .*does not appear to be a git repository\n$/,
    );
  });
});
