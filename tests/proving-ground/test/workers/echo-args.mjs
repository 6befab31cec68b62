#!/usr/bin/env node
// Writes exactly what it was given (argv after the script, stdin, NOVA_TASK_ID) as JSON to
// $PG_OUT_DIR/<task id>.json, so a test can compare it byte for byte with the plan's text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const id = process.env.NOVA_TASK_ID ?? 'unknown';
  const doc = {
    argv: process.argv.slice(2),
    stdin: Buffer.concat(chunks).toString('utf8'),
    taskId: id,
  };
  writeFileSync(join(process.env.PG_OUT_DIR ?? '.', `${id}.json`), JSON.stringify(doc));
  process.exit(0);
});
