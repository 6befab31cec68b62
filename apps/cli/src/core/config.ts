/**
 * `nova.config.json` beside the plan: the same settings as `nova run`'s flags (flags win). Paths in
 * it are relative to the file's folder. Unknown keys and wrong types are errors naming the file, so a
 * typo never silently changes a run.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './cli-error.js';

export interface NovaConfig {
  state?: string;
  logs?: string;
  maxWorkers?: number;
  agent?: string;
  workerCmd?: string | string[];
  retries?: number;
  timeout?: string | number;
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
  executor?: string;
  redis?: string;
}

type Kind = 'string' | 'strings' | 'number' | 'boolean' | 'path' | 'command' | 'duration' | 'size';

const KEYS: Record<keyof NovaConfig, Kind> = {
  state: 'path',
  logs: 'path',
  maxWorkers: 'number',
  agent: 'string',
  workerCmd: 'command',
  retries: 'number',
  timeout: 'duration',
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
  executor: 'string',
  redis: 'string',
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
    }
  }
  return { file, config: config as NovaConfig };
}
