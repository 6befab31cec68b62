import { parseCascade } from '@program-nova/parser';
import { describe, expect, it } from 'vitest';
import { mermaidLabel, planMermaid } from './mermaid.js';

describe('mermaid', () => {
  it('escapes label characters Mermaid would read as syntax', () => {
    expect(mermaidLabel('a "quoted" <b> #1')).toBe('a #quot;quoted#quot; #lt;b#gt; #35;1');
  });

  it('uses generated node IDs so any task ID is safe, and nests groups in branches', () => {
    const cascade = parseCascade(
      '# P\n## L1: A "x"\n### L2: G\n| Task ID | Task Name | Depends On |\n|---|---|---|\n| api.v2 | API | - |\n| end | end | api.v2 |\n',
    );
    expect(planMermaid(cascade)).toBe(
      [
        'flowchart TD',
        '  subgraph b1["A #quot;x#quot;"]',
        '    subgraph b1g1["G"]',
        '      t1["api.v2: API"]',
        '      t2["end"]',
        '    end',
        '  end',
        '  t1 --> t2',
        '',
      ].join('\n'),
    );
  });
});
