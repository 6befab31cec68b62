#!/usr/bin/env node
// A worker whose agent leaves a daemon behind, the way a careless `npm run dev &` or a language
// server does: `setsid` puts it in a session (and process group) of its own, so killing the
// worker's group does not reach it. It inherits Nova's markers (NOVA_STATE_FILE, NOVA_TASK_ID).
// PG_GATE: finish only once this file exists.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

spawn('setsid', ['sleep', '600'], { detached: true, stdio: 'ignore' }).unref();
const gate = process.env.PG_GATE;
(function finish() {
  if (gate && !existsSync(gate)) return setTimeout(finish, 20);
  process.exit(0);
})();
