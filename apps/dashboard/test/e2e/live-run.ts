// Drives a "live run" for the end-to-end test: real state written through the state store
// (journal + atomically replaced snapshot), and log files, exactly where `nova run` would put them.
// TODO(cli): switch to a live `nova run` of the simulated agent once the CLI has it.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createState, type TokenUsage } from '@program-nova/state';
import { openStore, type StateStore } from '@program-nova/state/store';
import { cascadeOf } from '../fixtures.js';

export const PLAN = cascadeOf({
  project: 'Nova Checkout Service',
  branches: [
    {
      branch: 'Backend',
      groups: [
        {
          group: 'Core',
          tasks: [
            ['A1', 'Domain types', []],
            ['A2', 'Payment adapter', ['A1']],
            ['A3', 'Order repository', ['A1']],
          ],
        },
        {
          group: 'API',
          tasks: [
            ['B1', 'REST handlers', ['A2']],
            ['B2', 'Webhooks', ['B1']],
          ],
        },
      ],
    },
    { branch: 'Docs', groups: [{ group: 'Guides', tasks: [['C1', 'Integration guide', ['A3']]] }] },
  ],
});

const tokens = (input: number, output: number): TokenUsage => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: input * 3,
  cache_creation_tokens: Math.round(input / 4),
});

export class LiveRun {
  private constructor(
    readonly store: StateStore,
    readonly logsDir: string,
  ) {}

  static async open(stateFile: string, logsDir: string): Promise<LiveRun> {
    await mkdir(logsDir, { recursive: true });
    const store = await openStore(stateFile, {
      initialState: () => createState(PLAN, { cascadeFile: 'CASCADE.md' }),
      snapshotIntervalMs: 50,
    });
    await store.record({
      type: 'run_started',
      at: new Date().toISOString(),
      pid: process.pid,
      cascade_file: 'CASCADE.md',
    });
    await store.flush();
    return new LiveRun(store, logsDir);
  }

  async log(id: string, text: string) {
    await appendFile(join(this.logsDir, `${id}.log`), text);
  }

  async start(id: string) {
    await this.log(
      id,
      `[nova] starting ${id}\n{"type":"system","subtype":"init","model":"claude-sonnet-4-5"}\n`,
    );
    await this.store.record({
      type: 'task_started',
      at: new Date().toISOString(),
      id,
      worker_id: `worker-${id}`,
      pid: 40000 + id.charCodeAt(0),
      pgid: 40000 + id.charCodeAt(0),
      log_path: join(this.logsDir, `${id}.log`),
      model: 'claude-sonnet-4-5',
    });
    await this.store.record({
      type: 'task_progress',
      at: new Date().toISOString(),
      id,
      token_usage: tokens(1800, 250),
      current_step: 'Editing files',
    });
    await this.store.flush();
  }

  async complete(id: string) {
    await this.log(
      id,
      `{"type":"result","subtype":"success","is_error":false}\n[nova] ${id} exited 0\n`,
    );
    await this.store.record({
      type: 'task_completed',
      at: new Date().toISOString(),
      id,
      exit_code: 0,
      token_usage: tokens(5200, 1400),
      cost_usd: 0.0831,
      model: 'claude-sonnet-4-5',
    });
    await this.store.flush();
  }

  async fail(id: string, error: string) {
    await this.log(
      id,
      `npm test\nFAIL src/orders.test.ts\n  ✕ saves an order (12 ms)\n${error}\n[nova] ${id} exited 1\n`,
    );
    await this.store.record({
      type: 'task_failed',
      at: new Date().toISOString(),
      id,
      error,
      failure_kind: 'exit_code',
      exit_code: 1,
      token_usage: tokens(3100, 900),
      cost_usd: 0.0512,
      model: 'claude-sonnet-4-5',
      retry_at: null,
      counts_as_attempt: true,
    });
    await this.store.flush();
  }

  close() {
    return this.store.close();
  }
}
