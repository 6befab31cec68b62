import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './format.js';

describe('formatDiagnostic', () => {
  it('prints file:line:col severity CODE message', () => {
    expect(
      formatDiagnostic(
        {
          code: 'E_UNKNOWN_DEPENDENCY',
          message: 'task "F4" depends on unknown task "F9"',
          line: 12,
          column: 3,
          file: 'CASCADE.md',
        },
        'error',
      ),
    ).toBe('CASCADE.md:12:3 error E_UNKNOWN_DEPENDENCY task "F4" depends on unknown task "F9"');
    expect(
      formatDiagnostic({ code: 'W_NO_PROJECT_NAME', message: 'm', line: 1, column: 1 }, 'warning'),
    ).toBe('<input>:1:1 warning W_NO_PROJECT_NAME m');
  });
});
