/**
 * The field-by-field checker validateState uses: every failure is a StateError naming the field
 * path (`tasks.F1.status`) and, when known, the file.
 */
import { StateError } from './errors.js';

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Field paths as users read them: `tasks.F1.token_usage.input_tokens`, `graph.hierarchy[0].branch`. */
export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key);
  const part = safe ? key : JSON.stringify(key);
  return path === '' ? part : safe ? `${path}.${part}` : `${path}[${part}]`;
}

export class Checker {
  constructor(private readonly file: string | undefined) {}

  fail(field: string, message: string): never {
    const where = this.file === undefined ? '' : `${this.file}: `;
    throw new StateError(
      'STATE_INVALID',
      `${where}invalid state: ${field || '(document)'} ${message}`,
      {
        ...(this.file === undefined ? {} : { file: this.file }),
        field: field || '(document)',
      },
    );
  }

  object(value: unknown, field: string): Obj {
    if (!isObject(value)) this.fail(field, `must be an object, got ${describe(value)}`);
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, `must be a string, got ${describe(value)}`);
    return value;
  }

  optString(obj: Obj, key: string, field: string, fallback: string): string {
    const value = obj[key];
    return value === undefined ? fallback : this.string(value, child(field, key));
  }

  nullableString(obj: Obj, key: string, field: string): string | null {
    const value = obj[key];
    if (value === undefined || value === null) return null;
    return this.string(value, child(field, key));
  }

  timestamp(obj: Obj, key: string, field: string): string | null {
    const value = this.nullableString(obj, key, field);
    if (value !== null && Number.isNaN(Date.parse(value))) {
      this.fail(child(field, key), `must be an ISO-8601 timestamp, got ${describe(value)}`);
    }
    return value;
  }

  number(value: unknown, field: string, opts: { integer?: boolean; min?: number } = {}): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(field, `must be a number, got ${describe(value)}`);
    }
    if (opts.integer && !Number.isInteger(value))
      this.fail(field, `must be an integer, got ${value}`);
    if (opts.min !== undefined && value < opts.min)
      this.fail(field, `must be >= ${opts.min}, got ${value}`);
    return value;
  }

  nullableNumber(
    obj: Obj,
    key: string,
    field: string,
    opts: { integer?: boolean; min?: number } = {},
  ): number | null {
    const value = obj[key];
    if (value === undefined || value === null) return null;
    return this.number(value, child(field, key), opts);
  }

  stringArray(value: unknown, field: string): string[] {
    if (!Array.isArray(value))
      this.fail(field, `must be an array of strings, got ${describe(value)}`);
    return value.map((item, i) => this.string(item, child(field, i)));
  }

  oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${allowed.join(', ')}; got ${describe(value)}`);
    }
    return value as T;
  }
}
