import { dirname, join, resolve } from 'node:path';
import { EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { STATE_OPTION, stateFileOf } from '../core/state-paths.js';
import { startDashboardServer } from '../dashboard-server/index.js';
import { DEFAULT_PORT, parsePort } from '../run/settings.js';
import { waitForSignal } from '../run/wait.js';

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'serve the read-only web dashboard for a state file',
  usage: ['nova dashboard [--state file] [--logs dir] [--port n] [--host name]'],
  details: [
    'Serves the dashboard app, the state file and task logs (read-only) and prints the URL; it',
    'serves until Ctrl-C (then exits 0). It works before the state exists (the page says so) and',
    'during or after a run. It listens on 127.0.0.1 unless --host says otherwise, and answers only',
    'requests whose Host header names this machine.',
  ].join('\n'),
  examples: [
    'nova dashboard',
    'nova dashboard --port 8080',
    'nova dashboard --state runs/today.json --port 0',
  ],
  options: {
    ...STATE_OPTION,
    logs: {
      type: 'string',
      valueName: 'dir',
      description: 'task logs folder (default logs/ beside the state file)',
    },
    port: {
      type: 'string',
      valueName: 'n',
      description: `port (default ${DEFAULT_PORT}; 0 = any free port)`,
    },
    host: {
      type: 'string',
      valueName: 'name',
      description: 'address to listen on (default 127.0.0.1)',
    },
  },
  async run(ctx) {
    const stateFile = stateFileOf(ctx);
    const logsDir =
      typeof ctx.values.logs === 'string'
        ? resolve(ctx.cwd, ctx.values.logs)
        : join(dirname(stateFile), 'logs');
    const port = parsePort(ctx.values.port as string | undefined, 'dashboard') ?? DEFAULT_PORT;
    const host = typeof ctx.values.host === 'string' ? ctx.values.host : '127.0.0.1';
    const server = await startDashboardServer({ stateFile, logsDir, host, port });
    const c = ctx.colors.stdout;
    ctx.stdout.write(`Dashboard: ${c.cyan(server.url)}\n`);
    ctx.stdout.write(c.dim(`  state ${stateFile}, logs ${logsDir}; press Ctrl-C to stop\n`));
    await waitForSignal();
    await server.close();
    return EXIT.ok;
  },
};
