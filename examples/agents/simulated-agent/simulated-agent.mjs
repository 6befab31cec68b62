#!/usr/bin/env node
// A SIMULATED coding agent for demos and tests. It does no real work: it reads the prompt, prints
// output shaped like Claude Code's `--output-format stream-json --verbose` (system init, assistant
// messages with token usage, a result) over a configurable time, and writes a small marker file.
// Plain Node ESM without dependencies, so any template can run it with `node <path>`.
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HELP = `simulated-agent: prints Claude-Code-shaped stream-json; does no real work.

Usage: simulated-agent.mjs [options]   (unknown options such as -p, --verbose are ignored)
  --duration-ms N      run for about N ms (default 1200; env SIM_DURATION_MS)
  --model NAME         model to report (default claude-sonnet-4-5-20250929)
  --task-id ID         task id (default env NOVA_TASK_ID, else "task")
  --fail               exit 1 with a message on stderr (env SIM_FAIL_TASKS=ID,ID)
  --flaky N            fail the first N attempts, counted in .nova-simulated/<id>.attempts
                       (env SIM_FLAKY_TASKS=ID:N,ID:N)
  --hang               print the init event, then hang until killed (env SIM_HANG_TASKS=ID,ID)
  --flood-bytes N      print N bytes of filler lines on stdout first (env SIM_FLOOD_TASKS=ID:N)
  --usage-limit        report a usage limit: rate_limit_event + error result, exit 1
                       (env SIM_USAGE_LIMIT_TASKS=ID,ID)
  --ignore-sigterm     keep going on SIGTERM (to test SIGKILL after a grace)
  --spawn-child        start a grandchild (node) that stays alive until killed (tests group kill)
  --exit-code N        exit code for --fail (default 1)
Env SIM_RECORD_FILE=path appends one JSON line per run: { id, pid, pgid, argv, stdin_sha256,
started_at, ended_at } (no ended_at for a run that hangs or is killed by SIGKILL).
`;

const argv = process.argv.slice(2);
const env = process.env;
const opts = {
  durationMs: null,
  model: 'claude-sonnet-4-5-20250929',
  taskId: env.NOVA_TASK_ID || 'task',
  fail: false,
  flaky: 0,
  hang: false,
  floodBytes: 0,
  usageLimit: false,
  ignoreSigterm: false,
  spawnChild: false,
  exitCode: 1,
};
const int = (flag, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(
      `simulated-agent: ${flag} needs a whole number, got ${JSON.stringify(v)}\n`,
    );
    process.exit(2);
  }
  return n;
};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const [flag, inline] =
    a.startsWith('--') && a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
  const value = () => (inline !== undefined ? inline : argv[++i]);
  switch (flag) {
    case '--help':
      process.stdout.write(HELP);
      process.exit(0);
      break;
    case '--duration-ms':
      opts.durationMs = int(flag, value());
      break;
    case '--model': {
      const m = value();
      if (m && !m.startsWith('{')) opts.model = m;
      break;
    }
    case '--task-id':
      opts.taskId = value();
      break;
    case '--fail':
      opts.fail = true;
      break;
    case '--flaky':
      opts.flaky = int(flag, value());
      break;
    case '--hang':
      opts.hang = true;
      break;
    case '--flood-bytes':
      opts.floodBytes = int(flag, value());
      break;
    case '--usage-limit':
      opts.usageLimit = true;
      break;
    case '--ignore-sigterm':
      opts.ignoreSigterm = true;
      break;
    case '--spawn-child':
      opts.spawnChild = true;
      break;
    case '--exit-code':
      opts.exitCode = int(flag, value());
      break;
    default:
      break; // Claude Code's own flags (-p, --verbose, ...) and anything else: ignored
  }
}

// Env settings select per task, so one command template can serve a whole plan.
const id = opts.taskId;
const listed = (name) =>
  (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(id);
const mapped = (name) => {
  for (const pair of (env[name] ?? '').split(',')) {
    const at = pair.lastIndexOf(':');
    if (at > 0 && pair.slice(0, at).trim() === id) return Number(pair.slice(at + 1));
  }
  return null;
};
if (opts.durationMs === null)
  opts.durationMs = env.SIM_DURATION_MS ? int('SIM_DURATION_MS', env.SIM_DURATION_MS) : 1200;
if (listed('SIM_FAIL_TASKS')) opts.fail = true;
if (listed('SIM_HANG_TASKS')) opts.hang = true;
if (listed('SIM_USAGE_LIMIT_TASKS')) opts.usageLimit = true;
opts.flaky = mapped('SIM_FLAKY_TASKS') ?? opts.flaky;
opts.floodBytes = mapped('SIM_FLOOD_TASKS') ?? opts.floodBytes;

const startedAt = new Date();
const sessionId = randomUUID();
const stateDir = join(process.cwd(), '.nova-simulated');
const safeId = id.replace(/[^A-Za-z0-9._-]/g, '_');
let stdinHash = null;
let recorded = false;

function pgid() {
  try {
    // Field 5 of /proc/self/stat, after the parenthesised command name.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

function record(ended) {
  if (!env.SIM_RECORD_FILE || recorded) return;
  recorded = true;
  const line = {
    id,
    pid: process.pid,
    pgid: pgid(),
    argv,
    stdin_sha256: stdinHash,
    started_at: startedAt.toISOString(),
    ...(ended ? { ended_at: new Date().toISOString() } : {}),
  };
  appendFileSync(env.SIM_RECORD_FILE, `${JSON.stringify(line)}\n`);
}

function exit(code) {
  record(true);
  process.exitCode = code;
  // Let stdout drain (a pipe may be full), then leave even if something keeps the loop alive.
  process.stdout.write('', () => process.exit(code));
}

process.on('SIGTERM', () => {
  if (opts.ignoreSigterm) return;
  record(true);
  process.exit(143);
});

const out = (event) =>
  new Promise((resolve) => {
    if (process.stdout.write(`${JSON.stringify(event)}\n`)) resolve();
    else process.stdout.once('drain', resolve);
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readStdin() {
  if (process.stdin.isTTY) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const parts = [];
    process.stdin.on('data', (c) => parts.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(parts)));
    process.stdin.on('error', () => resolve(Buffer.concat(parts)));
  });
}

// Deterministic per task id, so a test can predict the totals.
function rng(seedText) {
  let h = 2166136261;
  for (const ch of seedText) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
  return () => {
    h = (h + 0x6d2b79f5) >>> 0;
    let t = h;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function flood(bytes) {
  const line = `${'simulated filler output '.repeat(40)}\n`;
  const chunk = Buffer.from(line.repeat(Math.max(1, Math.floor(65536 / line.length))));
  let left = bytes;
  while (left > 0) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= piece.length;
    if (!process.stdout.write(piece)) await new Promise((r) => process.stdout.once('drain', r));
  }
}

async function main() {
  const prompt = await readStdin();
  stdinHash = createHash('sha256').update(prompt).digest('hex');

  if (opts.spawnChild) {
    const { spawn } = await import('node:child_process');
    const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    process.stderr.write(`simulated-agent: started grandchild ${grandchild.pid}\n`);
  }

  await out({
    type: 'system',
    subtype: 'init',
    session_id: sessionId,
    cwd: process.cwd(),
    model: opts.model,
    tools: ['Bash', 'Edit', 'Read', 'Write'],
    permissionMode: 'bypassPermissions',
    simulated: true,
  });

  if (opts.hang) {
    record(false);
    setInterval(() => {}, 60_000);
    return;
  }
  if (opts.floodBytes > 0) await flood(opts.floodBytes);

  let attempt = 1;
  if (opts.flaky > 0) {
    mkdirSync(stateDir, { recursive: true });
    const counter = join(stateDir, `${safeId}.attempts`);
    try {
      attempt = Number(readFileSync(counter, 'utf8').trim()) + 1 || 1;
    } catch {
      attempt = 1;
    }
    writeFileSync(counter, `${attempt}\n`);
  }

  const random = rng(id);
  const steps = 3;
  const total = {
    input_tokens: 0,
    output_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
  };
  const texts = [
    'Reading the task and the files it touches.',
    'Making the change.',
    'Checking the result.',
  ];
  for (let i = 0; i < steps; i++) {
    await sleep(opts.durationMs / (steps + 1));
    const usage = {
      input_tokens: 400 + Math.floor(random() * 1600),
      output_tokens: 80 + Math.floor(random() * 520),
      cache_read_input_tokens: i === 0 ? 0 : 4000 + Math.floor(random() * 12000),
      cache_creation_input_tokens: i === 0 ? 1000 + Math.floor(random() * 3000) : 0,
    };
    for (const k of Object.keys(total)) total[k] += usage[k];
    const msgId = `msg_sim_${safeId}_${i}`;
    const base = {
      id: msgId,
      type: 'message',
      role: 'assistant',
      model: opts.model,
      stop_reason: null,
      usage,
    };
    // Like Claude Code: one event per content block, the same message id and usage repeated.
    await out({
      type: 'assistant',
      message: { ...base, content: [{ type: 'text', text: texts[i] }] },
      session_id: sessionId,
    });
    await out({
      type: 'assistant',
      message: {
        ...base,
        content: [
          {
            type: 'tool_use',
            id: `toolu_sim_${i}`,
            name: 'Write',
            input: { file_path: `.nova-simulated/${safeId}.txt` },
          },
        ],
      },
      session_id: sessionId,
    });
    await out({
      type: 'user',
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: `toolu_sim_${i}`, content: 'ok' }],
      },
      session_id: sessionId,
    });
  }
  await sleep(opts.durationMs / (steps + 1));

  const cost = Number(
    (
      (total.input_tokens * 3 +
        total.output_tokens * 15 +
        total.cache_read_input_tokens * 0.3 +
        total.cache_creation_input_tokens * 3.75) /
      1e6
    ).toFixed(6),
  );
  const modelUsage = {
    [opts.model]: {
      inputTokens: total.input_tokens,
      outputTokens: total.output_tokens,
      cacheReadInputTokens: total.cache_read_input_tokens,
      cacheCreationInputTokens: total.cache_creation_input_tokens,
      costUSD: cost,
    },
  };
  const resultBase = {
    type: 'result',
    duration_ms: Date.now() - startedAt.getTime(),
    duration_api_ms: Math.round(opts.durationMs * 0.8),
    num_turns: steps,
    session_id: sessionId,
    total_cost_usd: cost,
    usage: total,
    modelUsage,
    permission_denials: [],
  };

  if (opts.usageLimit) {
    const resetsAt = Math.ceil(Date.now() / 3_600_000) * 3600 + 3600;
    await out({
      type: 'rate_limit_event',
      rate_limit_info: { status: 'rejected', resetsAt, rateLimitType: 'five_hour', utilization: 1 },
      session_id: sessionId,
    });
    await out({
      ...resultBase,
      subtype: 'success',
      is_error: true,
      result: `Claude AI usage limit reached|${resetsAt}`,
    });
    return exit(1);
  }
  if (opts.fail || attempt <= opts.flaky) {
    const why = opts.fail
      ? 'told to fail (--fail / SIM_FAIL_TASKS)'
      : `flaky: attempt ${attempt} of the first ${opts.flaky} that fail`;
    process.stderr.write(`simulated-agent: task ${id} failed on purpose: ${why}\n`);
    return exit(opts.exitCode);
  }

  mkdirSync(stateDir, { recursive: true });
  writeFileSync(
    join(stateDir, `${safeId}.txt`),
    `Simulated work for task ${id} (no real work was done).\nattempt ${attempt}, ${startedAt.toISOString()}\nprompt sha256 ${stdinHash}\n`,
  );
  await out({
    ...resultBase,
    subtype: 'success',
    is_error: false,
    result: `Simulated task ${id} done (no real work was done).`,
  });
  return exit(0);
}

main().catch((error) => {
  process.stderr.write(`simulated-agent: ${error?.stack ?? error}\n`);
  exit(70);
});
