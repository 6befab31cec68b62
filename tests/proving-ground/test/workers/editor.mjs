#!/usr/bin/env node
// A worker that edits files the way an agent would, scripted per task: $PG_EDITS names a JSON file
// { "<task id>": [ { "write": "path", "text": "..." } | { "replace": "path", "from": "...", "to": "..." } ] }.
// Attempt-specific scripts use the key "<task id>#<attempt>" (attempts counted in
// $PG_STATE_DIR/<id>.attempts, outside the worktree). The prompt read on stdin is saved to
// $PG_STATE_DIR/<id>.<attempt>.prompt. PG_GATE: after editing, wait for that file before exiting
// (so a test can kill the run in the middle of a change). Exit code: $PG_EXIT (default 0).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const id = process.env.NOVA_TASK_ID ?? 'task';
const stateDir = process.env.PG_STATE_DIR;
let attempt = 1;
if (stateDir) {
  mkdirSync(stateDir, { recursive: true });
  const counter = join(stateDir, `${id}.attempts`);
  attempt = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) + 1 : 1;
  writeFileSync(counter, String(attempt));
}
const prompt = readFileSync(0, 'utf8');
if (stateDir) writeFileSync(join(stateDir, `${id}.${attempt}.prompt`), prompt);

const scripts = process.env.PG_EDITS ? JSON.parse(readFileSync(process.env.PG_EDITS, 'utf8')) : {};
for (const edit of scripts[`${id}#${attempt}`] ?? scripts[id] ?? []) {
  if (edit.write) {
    mkdirSync(dirname(edit.write), { recursive: true });
    writeFileSync(edit.write, edit.text);
  } else if (edit.replace) {
    const text = readFileSync(edit.replace, 'utf8');
    if (!text.includes(edit.from)) {
      process.stderr.write(
        `editor: ${edit.replace} does not contain ${JSON.stringify(edit.from)}\n`,
      );
      process.exit(3);
    }
    writeFileSync(edit.replace, text.replace(edit.from, edit.to));
  }
}
const gate = process.env.PG_GATE;
(function finish() {
  if (gate && !existsSync(gate)) return setTimeout(finish, 20);
  process.stdout.write(
    `${JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: `edited for ${id}` })}\n`,
  );
  process.exit(Number(process.env.PG_EXIT ?? 0));
})();
