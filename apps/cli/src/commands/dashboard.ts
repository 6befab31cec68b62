import { dirname, join, resolve } from 'node:path';
import { EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { STATE_OPTION, stateFileOf } from '../core/state-paths.js';
import { startDashboardServer } from '../dashboard-server/index.js';
import { resolveDashboardAccess } from '../run/run-dashboard.js';
import { DEFAULT_PORT, parsePort, RUN_OPTIONS } from '../run/settings.js';
import { waitForSignal } from '../run/wait.js';

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'serve the read-only web dashboard for a state file',
  usage: [
    'nova dashboard [--state file] [--logs dir] [--port n] [--host name] [--token t] [--allow-host name]...',
  ],
  details: [
    'Serves the dashboard app, the state file and task logs (read-only) and prints the URL; it',
    'serves until Ctrl-C (then exits 0). It works before the state exists (the page says so) and',
    'during or after a run. It listens on 127.0.0.1 unless --host says otherwise, and answers only',
    'requests whose Host header names this machine (or an --allow-host name).',
    'Any address but loopback needs an access token on every request: --token, else',
    'NOVA_DASHBOARD_TOKEN, else one is generated; the printed URL carries it (?token=...), and the',
    'page keeps it in a cookie. Scripts can send it as Authorization: Bearer <token>.',
  ].join('\n'),
  examples: [
    'nova dashboard',
    'nova dashboard --port 8080',
    'nova dashboard --state runs/today.json --port 0',
    'nova dashboard --host 0.0.0.0 --allow-host devbox.example.com',
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
    token: RUN_OPTIONS.token!,
    'allow-host': RUN_OPTIONS['allow-host']!,
  },
  async run(ctx) {
    const stateFile = stateFileOf(ctx);
    const logsDir =
      typeof ctx.values.logs === 'string'
        ? resolve(ctx.cwd, ctx.values.logs)
        : join(dirname(stateFile), 'logs');
    const port = parsePort(ctx.values.port as string | undefined, 'dashboard') ?? DEFAULT_PORT;
    const host = typeof ctx.values.host === 'string' ? ctx.values.host : '127.0.0.1';
    const access = resolveDashboardAccess(
      {
        host,
        token: typeof ctx.values.token === 'string' ? ctx.values.token : undefined,
        allowHosts: ctx.values['allow-host'] as string[] | undefined,
      },
      ctx.env,
      'dashboard',
    );
    const server = await startDashboardServer({
      stateFile,
      logsDir,
      host,
      port,
      token: access.token,
      allowedHosts: access.allowedHosts,
    });
    if (access.warning) ctx.stderr.write(`${access.warning}\n`);
    const c = ctx.colors.stdout;
    ctx.stdout.write(`Dashboard: ${c.cyan(server.url)}\n`);
    ctx.stdout.write(c.dim(`  state ${stateFile}, logs ${logsDir}; press Ctrl-C to stop\n`));
    await waitForSignal();
    await server.close();
    return EXIT.ok;
  },
};
