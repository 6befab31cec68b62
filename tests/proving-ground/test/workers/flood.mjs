#!/usr/bin/env node
// Prints $PG_FLOOD_BYTES (default 2 GiB) of filler lines on stdout, honouring back-pressure, then exits 0.
const total = Number(process.env.PG_FLOOD_BYTES ?? 2 * 1024 ** 3);
const chunk = Buffer.alloc(1024 * 1024, 'x');
for (let i = 1023; i < chunk.length; i += 1024) chunk[i] = 10;
let written = 0;
function pump() {
  while (written < total) {
    written += chunk.length;
    if (!process.stdout.write(chunk)) {
      process.stdout.once('drain', pump);
      return;
    }
  }
  process.exit(0);
}
pump();
