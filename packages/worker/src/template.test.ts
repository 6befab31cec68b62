import { describe, expect, it } from 'vitest';
import { buildPrompt } from './prompt.js';
import { DEFAULT_COMMAND, expandTemplate } from './template.js';

describe('DEFAULT_COMMAND', () => {
  it('default command runs Claude Code headless with the model placeholder', () => {
    expect(expandTemplate(DEFAULT_COMMAND, { model: 'opus' })).toEqual([
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'opus',
      '--dangerously-skip-permissions',
    ]);
  });
});

describe('buildPrompt', () => {
  const task = {
    id: 'F4',
    name: 'Validation Utils',
    description: 'Build validation helpers',
    branch: 'Application',
    group: 'Foundation',
    dependsOn: ['F1', 'F2'],
  };

  it('names the project, place in the plan, the task and its dependencies', () => {
    const p = buildPrompt({
      project: 'Nova',
      task,
      dependencies: [
        { id: 'F1', name: 'Core Types', description: 'Define base types' },
        { id: 'F2', name: 'Error Handling', description: '' },
      ],
    });
    expect(p).toContain('project "Nova"');
    expect(p).toContain('Branch: Application');
    expect(p).toContain('Group: Foundation');
    expect(p).toContain('F4: Validation Utils');
    expect(p).toContain('Build validation helpers');
    expect(p).toContain('- F1: Core Types - Define base types');
    expect(p).toContain('- F2: Error Handling\n');
  });

  it("quotes what each dependency's agent reported when it finished, when it is known", () => {
    const p = buildPrompt({
      project: 'Nova',
      task,
      dependencies: [
        {
          id: 'F1',
          name: 'Core Types',
          description: 'Define base types',
          resultText: 'Added src/types.ts.\n\nExports: Task, Plan.\n',
        },
        { id: 'F2', name: 'Error Handling', description: '', resultText: null },
      ],
    });
    expect(p).toContain(
      [
        '- F1: Core Types - Define base types',
        '  When it finished, it reported:',
        '    Added src/types.ts.',
        '',
        '    Exports: Task, Plan.',
        '- F2: Error Handling',
        '',
      ].join('\n'),
    );
  });

  it('falls back to dependency ids, and has no dependency section without any', () => {
    expect(buildPrompt({ project: 'N', task })).toContain('- F1\n- F2\n');
    expect(buildPrompt({ project: 'N', task: { ...task, dependsOn: [] } })).not.toContain(
      'builds on',
    );
  });
});
