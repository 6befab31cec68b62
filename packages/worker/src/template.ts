import type { TemplateValues } from './types.js';

/** Claude Code in headless mode; the prompt goes to stdin (see DEFAULT_STDIN). */
export const DEFAULT_COMMAND: readonly string[] = Object.freeze([
  'claude',
  '-p',
  '--output-format',
  'stream-json',
  '--verbose',
  '--model',
  '{model}',
  '--dangerously-skip-permissions',
]);

/** Model used for `{model}` when neither the task nor the options name one (a Claude Code alias). */
export const DEFAULT_MODEL = 'sonnet';

/** Default stdin template: the built prompt. */
export const DEFAULT_STDIN = '{prompt}';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Substitutes `{name}` placeholders in one string, in a single pass: a substituted value is never
 * scanned again, so task text that itself contains `{prompt}` stays literal. Unknown placeholders
 * are left as they are.
 */
export function expandText(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] as string) : whole,
  );
}

/**
 * Substitutes placeholders inside each argv element. The result has exactly as many elements as
 * the template: a value is never split on spaces or re-parsed, whatever it contains.
 */
export function expandTemplate(argv: readonly string[], values: TemplateValues): string[] {
  return argv.map((element) => expandText(element, values));
}
