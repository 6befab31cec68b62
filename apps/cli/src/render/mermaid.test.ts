import { parseCascade } from '@program-nova/parser';
import { describe, expect, it } from 'vitest';
import { mermaidLabel, planMermaid } from './mermaid.js';

describe('mermaid', () => {
  it('escapes label characters Mermaid would read as syntax', () => {
    expect(mermaidLabel('a "quoted" <b> #1')).toBe('a #quot;quoted#quot; #lt;b#gt; #35;1');
    expect(mermaidLabel('`**md**` &amp;')).toBe('#96;**md**#96; #38;amp;');
  });

  it('keeps hostile text inside its label: no quote, no entity, no control character gets out', () => {
    const hostile =
      'x"]\n  click t1 href "javascript:alert(1)"\n  y["#quot; \u001b]0;title\u0007 \u009b2J \u202e\r';
    const label = mermaidLabel(hostile);
    expect(label).not.toMatch(/["\u0000-\u001f\u007f-\u009f\u202e]/);
    // Every # starts one of the entities put there (a literal # is #35; itself).
    expect(label.replace(/#(quot|lt|gt|35|38|96);/g, '')).not.toContain('#');
    expect(label).toContain('\\x1b]0;title\\x07');
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
