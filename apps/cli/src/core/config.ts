/**
 * `nova.config.json` beside the plan: the same settings as `nova run`'s flags (flags win). Paths in
 * it are relative to the file's folder. Unknown keys and wrong types are errors naming the file, so a
 * typo never silently changes a run.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  checkEventName,
  checkWebhooks,
  type HookSpec,
  NotifyError,
  type WebhookSpec,
} from '@program-nova/notify';
import { CliError } from './cli-error.js';

export interface NovaConfig {
  state?: string;
  logs?: string;
  maxWorkers?: number;
  agent?: string;
  workerCmd?: string | string[];
  retries?: number;
  timeout?: string | number;
  usageLimitPause?: string | number;
  failFast?: boolean;
  maxCost?: number;
  milestones?: string;
  dashboard?: boolean;
  port?: number;
  host?: string;
  replan?: boolean;
  rerunChanged?: boolean;
  maxLogSize?: string | number;
  workspace?: string;
  verify?: string | string[];
  token?: string;
  allowHost?: string[];
  /** `{ "task:failed": "command {id}" | ["argv", ...] }`, as a list. */
  hooks?: HookSpec[];
  webhooks?: WebhookSpec[];
  notify?: boolean;
  hookTimeout?: string | number;
  executor?: string;
  redis?: string;
  repo?: string;
}

type Kind =
  | 'string'
  | 'strings'
  | 'number'
  | 'boolean'
  | 'path'
  | 'command'
  | 'duration'
  | 'size'
  | 'hooks'
  | 'webhooks';

const KEYS: Record<keyof NovaConfig, Kind> = {
  state: 'path',
  logs: 'path',
  maxWorkers: 'number',
  agent: 'string',
  workerCmd: 'command',
  retries: 'number',
  timeout: 'duration',
  usageLimitPause: 'duration',
  failFast: 'boolean',
  maxCost: 'number',
  milestones: 'path',
  dashboard: 'boolean',
  port: 'number',
  host: 'string',
  replan: 'boolean',
  rerunChanged: 'boolean',
  maxLogSize: 'size',
  workspace: 'string',
  verify: 'command',
  token: 'string',
  allowHost: 'strings',
  hooks: 'hooks',
  webhooks: 'webhooks',
  notify: 'boolean',
  hookTimeout: 'duration',
  executor: 'string',
  redis: 'string',
  repo: 'string',
};

export const CONFIG_FILE = 'nova.config.json';

/** Reads `nova.config.json` in the plan's folder; `{}` when there is none. */
export async function loadConfig(
  planFile: string,
): Promise<{ file: string | null; config: NovaConfig }> {
  const file = join(dirname(resolve(planFile)), CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file: null, config: {} };
    throw new CliError('E_INVALID_INPUT', `${file}: cannot read it (${(error as Error).message})`, {
      cause: error,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new CliError('E_INVALID_INPUT', `${file}: not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CliError('E_INVALID_INPUT', `${file}: expected a JSON object of settings`);
  }
  const config: Record<string, unknown> = {};
  const base = dirname(file);
  for (const [key, value] of Object.entries(doc)) {
    if (key === '$schema' || key === '//') continue;
    const kind = KEYS[key as keyof NovaConfig];
    if (kind === undefined) {
      throw new CliError(
        'E_INVALID_INPUT',
        `${file}: unknown setting "${key}" (known: ${Object.keys(KEYS).join(', ')})`,
      );
    }
    const bad = (expected: string) =>
      new CliError('E_INVALID_INPUT', `${file}: "${key}" must be ${expected}`);
    switch (kind) {
      case 'path':
        if (typeof value !== 'string' || value === '') throw bad('a path (string)');
        config[key] = resolve(base, value);
        break;
      case 'string':
        if (typeof value !== 'string' || value === '') throw bad('a string');
        config[key] = value;
        break;
      case 'strings':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== ''))
          throw bad('an array of strings');
        config[key] = value;
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
        config[key] = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw bad('true or false');
        config[key] = value;
        break;
      case 'duration':
        if (typeof value !== 'string' && typeof value !== 'number')
          throw bad('a duration such as "30m" (or seconds)');
        config[key] = value;
        break;
      case 'size':
        if (typeof value !== 'string' && typeof value !== 'number')
          throw bad('a size such as "256M" (or bytes)');
        config[key] = value;
        break;
      case 'command':
        if (
          !(typeof value === 'string' && value.trim() !== '') &&
          !(Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
        )
          throw bad('a command string or an array of arguments');
        config[key] = value;
        break;
      case 'hooks':
        config[key] = readHooks(file, value);
        break;
      case 'webhooks':
        config[key] = readWebhooks(file, value);
        break;
    }
  }
  return { file, config: config as NovaConfig };
}

const isCommand = (v: unknown) =>
  (typeof v === 'string' && v.trim() !== '') ||
  (Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'string') && v[0] !== '');

/** A notify package error about the file's content, as the CLI's error naming the file. */
function fileError(error: unknown): never {
  if (error instanceof NotifyError) {
    throw new CliError('E_INVALID_INPUT', error.message, { cause: error });
  }
  throw error;
}

function readHooks(file: string, value: unknown): HookSpec[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(
      'E_INVALID_INPUT',
      `${file}: "hooks" must be an object of event names to commands`,
    );
  }
  return Object.entries(value).map(([event, command]) => {
    try {
      checkEventName(event, `${file}: hooks`);
    } catch (error) {
      fileError(error);
    }
    if (!isCommand(command)) {
      throw new CliError(
        'E_INVALID_INPUT',
        `${file}: hooks: "${event}" must be a command string or an array of arguments`,
      );
    }
    return { event, command: command as string | string[] };
  });
}

const WEBHOOK_KEYS = ['url', 'events', 'secret'];

function readWebhooks(file: string, value: unknown): WebhookSpec[] {
  const bad = (what: string) => new CliError('E_INVALID_INPUT', `${file}: webhooks: ${what}`);
  if (!Array.isArray(value)) throw bad('must be an array of { url, events?, secret? }');
  const specs = value.map((w, i): WebhookSpec => {
    if (typeof w !== 'object' || w === null || Array.isArray(w)) {
      throw bad(`entry ${i + 1} must be an object { url, events?, secret? }`);
    }
    const entry = w as Record<string, unknown>;
    const unknown = Object.keys(entry).find((k) => !WEBHOOK_KEYS.includes(k));
    if (unknown !== undefined) {
      throw bad(`entry ${i + 1}: unknown key "${unknown}" (known: ${WEBHOOK_KEYS.join(', ')})`);
    }
    if (typeof entry.url !== 'string') throw bad(`entry ${i + 1} needs a "url" string`);
    if (
      entry.events !== undefined &&
      !(Array.isArray(entry.events) && entry.events.every((e) => typeof e === 'string'))
    ) {
      throw bad(`entry ${i + 1}: "events" must be an array of event names`);
    }
    if (entry.secret !== undefined && (typeof entry.secret !== 'string' || entry.secret === '')) {
      throw bad(`entry ${i + 1}: "secret" must be a non-empty string`);
    }
    return {
      url: entry.url,
      ...(entry.events !== undefined ? { events: entry.events as string[] } : {}),
      ...(entry.secret !== undefined ? { secret: entry.secret as string } : {}),
    };
  });
  try {
    checkWebhooks(specs, `${file}: webhooks`);
  } catch (error) {
    fileError(error);
  }
  return specs;
}
