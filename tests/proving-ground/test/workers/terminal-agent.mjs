#!/usr/bin/env node
// An agent whose output carries $PG_HOSTILE (terminal escape sequences) wherever Nova takes text
// from an agent: the input of a tool call on stdout (Nova shows it as the task's current step) and,
// for a task whose ID starts with FAIL, the last line of stderr before it exits 1 (Nova quotes it
// in the failure reason). It holds its step until $PG_RELEASE exists, so that a test can look at
// the live view and `nova status` while the step is current.
import { existsSync } from 'node:fs';

const id = process.env.NOVA_TASK_ID ?? 'unknown';
const hostile = process.env.PG_HOSTILE ?? '';
const usage = { input_tokens: 10, output_tokens: 5 };
const line = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

line({ type: 'system', subtype: 'init', model: 'pg-model', session_id: `s-${id}` });
line({
  type: 'assistant',
  message: {
    id: `m-${id}`,
    model: 'pg-model',
    usage,
    content: [{ type: 'tool_use', name: 'Bash', input: { command: `echo ${hostile}` } }],
  },
});

const deadline = Date.now() + 120_000;
const timer = setInterval(() => {
  if (!existsSync(process.env.PG_RELEASE ?? '') && Date.now() < deadline) return;
  clearInterval(timer);
  if (id.startsWith('FAIL')) {
    process.stderr.write(`compiling...\nboom ${hostile}\n`);
    process.exit(1);
  }
  line({ type: 'result', subtype: 'success', is_error: false, result: 'done', usage });
  process.exit(0);
}, 50);
