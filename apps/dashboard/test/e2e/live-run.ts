// Drives a real live run for the end-to-end test: the built `nova run` (apps/cli/dist/bin.js) on a
// small plan, its workers being the simulated agent behind a gate. The gate lets the test decide
// when each task ends: a task starts when the orchestrator starts it (as soon as its dependencies
// are done), prints "starting <id>", waits for the test's order, then runs the simulated agent
// (succeeding, or failing with the test's message) and exits with its code. Everything the page
// shows (state snapshot + journal, logs, statuses, blocked tasks) is written by Nova itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CascadeState } from '@program-nova/state';
import { readState } from '@program-nova/state/store';

const here = dirname(fileURLToPath(import.meta.url));
const NOVA_BIN = resolve(here, '../../../cli/dist/bin.js');

/** Backend (Core: A1 -> A2, A3; API: A2 -> B1 -> B2) and Docs (Guides: A3 -> C1). */
export const PLAN_MARKDOWN = `# Nova Checkout Service

## L1: Backend

### L2: Core

| Task ID | Task Name        | What Changes                      | Depends On |
| ------- | ---------------- | --------------------------------- | ---------- |
| A1      | Domain types     | Define orders, payments and money | -          |
| A2      | Payment adapter  | Wrap the payment provider's API   | A1         |
| A3      | Order repository | Persist orders                    | A1         |

### L2: API

| Task ID | Task Name     | What Changes                  | Depends On |
| ------- | ------------- | ----------------------------- | ---------- |
| B1      | REST handlers | Expose orders over HTTP       | A2         |
| B2      | Webhooks      | Receive the provider's events | B1         |

## L1: Docs

### L2: Guides

| Task ID | Task Name         | What Changes                      | Depends On |
| ------- | ----------------- | --------------------------------- | ---------- |
| C1      | Integration guide | Explain how to integrate checkout | A3         |
`;

// The gate worker: plain Node, no dependencies. argv: <control dir> <simulated agent path>.
const GATE_AGENT = `import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const [controlDir, simulatedAgent] = process.argv.slice(2);
const id = process.env.NOVA_TASK_ID;
process.stdin.resume();
process.stdin.on('data', () => {});
console.log('[gate] starting ' + id);
console.log(JSON.stringify({ type: 'system', subtype: 'init', model: 'claude-sonnet-4-5', session_id: 'gate-' + id }));
const file = join(controlDir, id);
const order = await new Promise((done) => {
  const timer = setInterval(() => {
    if (existsSync(file)) {
      clearInterval(timer);
      done(readFileSync(file, 'utf8'));
    }
  }, 50);
});
const fail = order.startsWith('fail\\n');
if (fail) process.stdout.write('npm test\\nFAIL src/orders.test.ts\\n  \\u2715 saves an order (12 ms)\\n');
const child = spawn(process.execPath, [simulatedAgent, '--duration-ms', '150', '--model', 'claude-sonnet-4-5', ...(fail ? ['--fail'] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });
const code = await new Promise((done) => child.on('close', (c) => done(c ?? 1)));
if (fail) process.stderr.write(order.slice(5) + '\\n');
console.log('[gate] ' + id + ' exited ' + code);
process.exit(code);
`;

export class LiveRun {
  private closed: Promise<void> | null = null;
  private output = '';

  private constructor(
    readonly stateFile: string,
    readonly logsDir: string,
    private readonly controlDir: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
  ) {
    child.stdout?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
  }

  /** Writes the plan and the gate beside `stateFile` and starts `nova run` on them. */
  static async open(stateFile: string, logsDir: string): Promise<LiveRun> {
    if (!existsSync(NOVA_BIN)) {
      throw new Error(
        `the nova CLI is not built (${NOVA_BIN}); run: pnpm turbo run build --filter=@program-nova/cli`,
      );
    }
    const dir = dirname(stateFile);
    const controlDir = join(dir, 'gate');
    await mkdir(controlDir, { recursive: true });
    const plan = join(dir, 'CASCADE.md');
    await writeFile(plan, PLAN_MARKDOWN);
    const gate = join(dir, 'gate-agent.mjs');
    await writeFile(gate, GATE_AGENT);
    const simulatedAgent = createRequire(NOVA_BIN).resolve(
      '@program-nova/simulated-agent/simulated-agent.mjs',
    );
    const child = spawn(
      process.execPath,
      [
        NOVA_BIN,
        'run',
        plan,
        '--state',
        stateFile,
        '--logs',
        logsDir,
        '--max-workers',
        '3',
        '--worker-cmd',
        [process.execPath, gate, controlDir, simulatedAgent].map((a) => `'${a}'`).join(' '),
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    return new LiveRun(stateFile, logsDir, controlDir, child, exited);
  }

  /** Waits until the orchestrator has started `id` (its start is in the state file). */
  async start(id: string) {
    await this.until(`${id} running`, (s) => s.tasks[id]?.status === 'in_progress');
  }

  /** Lets `id` finish successfully; resolves once the state says completed. */
  async complete(id: string) {
    await this.start(id);
    await writeFile(join(this.controlDir, id), 'complete\n');
    await this.until(`${id} completed`, (s) => s.tasks[id]?.status === 'completed');
  }

  /** Makes `id` fail with `error` on stderr (exit 1); resolves once the state says failed. */
  async fail(id: string, error: string) {
    await this.start(id);
    await writeFile(join(this.controlDir, id), `fail\n${error}`);
    await this.until(`${id} failed`, (s) => s.tasks[id]?.status === 'failed');
  }

  /** Stops the run like Ctrl-C does and waits for nova to exit (idempotent). */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGINT');
      }
      const code = await this.exited;
      if (code !== 130 && code !== 0 && code !== 1) {
        throw new Error(`nova run exited with ${code}:\n${this.output}`);
      }
    })();
    return this.closed;
  }

  private async until(what: string, check: (s: CascadeState) => boolean) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) {
        throw new Error(
          `nova run ended (exit ${this.child.exitCode}) before ${what}:\n${this.output}`,
        );
      }
      const state = await readState(this.stateFile).catch(() => null);
      if (state && check(state)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
