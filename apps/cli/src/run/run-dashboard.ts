/**
 * The dashboard of `nova run --dashboard` and `nova dashboard`: who may read it (the access token
 * off loopback) and how long it stays up after a run, so the page can show how the run ended.
 */
import { parseTimeout } from '@program-nova/parser';
import { CliError, EXIT } from '../core/cli-error.js';
import type { CommandContext } from '../core/command.js';
import {
  type DashboardServer,
  generateToken,
  isLoopbackHost,
  startDashboardServer,
  TOKEN_PATTERN,
} from '../dashboard-server/index.js';
import { waitForSignal } from './wait.js';

/** Without a terminal, the dashboard stays up this long after the run (NOVA_DASHBOARD_GRACE). */
export const DEFAULT_GRACE_MS = 30_000;

export interface DashboardAccess {
  /** null: loopback without a token asked for. */
  token: string | null;
  allowedHosts: string[];
  /** The one-line warning to print when the address is not loopback. */
  warning: string | null;
}

/**
 * The token (`--token`, else NOVA_DASHBOARD_TOKEN, else the config's, else one generated when the
 * address is not loopback) and the extra Host names. A token of the wrong form is a usage error.
 */
export function resolveDashboardAccess(
  input: { host: string; token?: string | undefined; allowHosts?: string[] | undefined },
  env: NodeJS.ProcessEnv,
  command: string,
): DashboardAccess {
  const given = input.token ?? (env.NOVA_DASHBOARD_TOKEN || undefined);
  if (given !== undefined && !TOKEN_PATTERN.test(given)) {
    throw new CliError(
      'E_USAGE',
      '--token (or NOVA_DASHBOARD_TOKEN) must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -',
      { command },
    );
  }
  const loopback = isLoopbackHost(input.host);
  for (const name of input.allowHosts ?? []) {
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(name)) {
      throw new CliError('E_USAGE', `--allow-host must be a host name or address, got "${name}"`, {
        command,
      });
    }
  }
  return {
    token: given ?? (loopback ? null : generateToken()),
    allowedHosts: input.allowHosts ?? [],
    warning: loopback
      ? null
      : `nova: warning: the dashboard listens on ${input.host}, reachable from other machines: whoever has its address with the token can read the state and every log`,
  };
}

/** The grace from NOVA_DASHBOARD_GRACE: a duration (30s, 2m), or 0 / none for none. */
export function graceFrom(env: NodeJS.ProcessEnv, command: string): number {
  const text = env.NOVA_DASHBOARD_GRACE?.trim();
  if (text === undefined || text === '') return DEFAULT_GRACE_MS;
  if (/^0+(ms|s|m|h)?$/.test(text)) return 0;
  const read = parseTimeout(text);
  if (!read.ok) {
    throw new CliError(
      'E_USAGE',
      `NOVA_DASHBOARD_GRACE must be a duration such as 30s or 2m (0 for none), got "${text}" (${read.reason})`,
      { command },
    );
  }
  return read.value ?? 0;
}

export interface RunDashboard {
  url: string;
  /**
   * After the run: unless it was interrupted or `keepServing` is off, keep serving until Ctrl-C on
   * a terminal, or for the grace without one; then close.
   */
  finish(exitCode: number, keepServing: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Starts the dashboard of a run (and says so when it is reachable from other machines). */
export async function openRunDashboard(
  ctx: CommandContext,
  settings: {
    host: string;
    port: number;
    token?: string | undefined;
    allowHosts?: string[] | undefined;
  },
  files: { stateFile: string; logsDir: string },
  command = 'run',
): Promise<RunDashboard> {
  const access = resolveDashboardAccess(settings, ctx.env, command);
  const grace = graceFrom(ctx.env, command);
  const server: DashboardServer = await startDashboardServer({
    ...files,
    host: settings.host,
    port: settings.port,
    token: access.token,
    allowedHosts: access.allowedHosts,
  });
  if (access.warning) ctx.stderr.write(`${access.warning}\n`);
  const c = ctx.colors.stdout;
  return {
    url: server.url,
    close: () => server.close(),
    async finish(exitCode, keepServing) {
      try {
        if (!keepServing || exitCode === EXIT.interrupted) return;
        if (ctx.stdout.isTTY === true) {
          ctx.stdout.write(
            `\nThe dashboard stays up at ${c.cyan(server.url)} so its page shows how the run ended; press Ctrl-C to quit.\n`,
          );
          await waitForSignal();
        } else if (grace > 0) {
          ctx.stdout.write(
            `The dashboard stays up for ${Math.round(grace / 1000)}s so its page can show how the run ended (NOVA_DASHBOARD_GRACE=0 skips this; Ctrl-C ends it).\n`,
          );
          await signalOrTimeout(grace);
        }
      } finally {
        await server.close();
      }
    },
  };
}

/** Resolves after `ms`, or at the first SIGINT / SIGTERM before that. */
function signalOrTimeout(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.removeListener('SIGINT', done);
      process.removeListener('SIGTERM', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
