import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { at, bigRun, failedRun } from '../../test/fixtures.js';
import { renderView } from '../../test/render.js';
import { GraphView, TASK_GRAPH_LIMIT } from './graph-view.js';

const nodes = () => [...document.querySelectorAll<SVGElement>('.gnode')];
const byId = (id: string) => document.querySelector<SVGElement>(`.gnode[data-node-id="${id}"]`)!;

describe('GraphView', () => {
  it('draws every task coloured by status, boxed by branch and group, critical path marked', () => {
    renderView(<GraphView />, failedRun(), new Date(at(161)));
    expect(nodes()).toHaveLength(8);
    expect(byId('F1').dataset.status).toBe('completed');
    expect(byId('F2').dataset.status).toBe('failed');
    expect(byId('X2').dataset.status).toBe('blocked');
    expect(byId('X3').dataset.status).toBe('in_progress');
    // Status in text too: each node's tooltip names it.
    expect(byId('F2').querySelector('title')!.textContent).toContain('Failed');
    // The longest chain: F1 -> F2 -> X1 -> X2 -> D1.
    const critical = nodes()
      .filter((n) => n.classList.contains('critical'))
      .map((n) => n.dataset.nodeId);
    expect(critical).toEqual(['F1', 'F2', 'X1', 'X2', 'D1']);
    expect(document.querySelectorAll('.edge.critical')).toHaveLength(4);
    expect(document.querySelectorAll('.edge')).toHaveLength(7);
    const clusters = [...document.querySelectorAll('.cluster text')].map((t) => t.textContent);
    expect(clusters).toEqual(
      expect.arrayContaining(['Application', 'Docs', 'Foundation', 'Features', 'Guides']),
    );
    expect(byId('F2').getAttribute('href')).toBe('#/task/F2');
    // Nodes are laid out, not stacked.
    const xs = new Set(nodes().map((n) => n.querySelector('rect')!.getAttribute('x')));
    expect(xs.size).toBeGreaterThan(3);
  });

  it('shows groups instead of tasks for a big plan, each opening its own task graph', () => {
    renderView(<GraphView />, bigRun(TASK_GRAPH_LIMIT + 200), new Date(at(9000)));
    expect(nodes()).toHaveLength(10);
    expect(screen.getByTestId('graph-note').textContent).toContain('500 tasks is too many');
    expect(nodes()[0]!.getAttribute('href')).toBe('#/graph/Main/Group%200');
  });

  it('draws one group with its connected tasks of other groups as ghosts', () => {
    renderView(<GraphView branch="Application" group="Features" />, failedRun(), new Date(at(161)));
    const ids = nodes().map((n) => n.dataset.nodeId);
    expect(ids.sort()).toEqual(['D1', 'F2', 'F4', 'X1', 'X2', 'X3']);
    const ghosts = nodes()
      .filter((n) => n.classList.contains('ghost'))
      .map((n) => n.dataset.nodeId)
      .sort();
    expect(ghosts).toEqual(['D1', 'F2', 'F4']);
  });
});
