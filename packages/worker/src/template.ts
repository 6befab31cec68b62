/** The substitution itself is core's `expandText`/`expandTemplate`, shared with verify and hook commands. */
export { expandTemplate, expandText } from '@program-nova/core';

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
