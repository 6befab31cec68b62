import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { at, bigRun, failedRun } from '../../test/fixtures.js';
import { renderView } from '../../test/render.js';
import { TASK_GRAPH_LIMIT } from '../graph/scene.js';
import { GraphView } from './graph-view.js';

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

  it('shows groups instead of tasks for a big plan, each with its progress, opening its task graph', () => {
    renderView(<GraphView />, bigRun(TASK_GRAPH_LIMIT + 200), new Date(at(9000)));
    expect(nodes()).toHaveLength(10);
    expect(screen.getByTestId('graph-note').textContent).toContain('500 tasks is too many');
    expect(nodes()[0]!.getAttribute('href')).toBe('#/graph/Main/Group%200');
    // Group 0 (T0-T49): 4 completed, 5 running, 1 failed; its bar fills in proportion.
    const fills = [...nodes()[0]!.querySelectorAll<SVGRectElement>('[data-fill]')];
    const width = (s: string) =>
      Number(fills.find((f) => f.dataset.fill === s)!.getAttribute('width'));
    expect(fills.map((f) => f.dataset.fill)).toEqual([
      'completed',
      'in_progress',
      'failed',
      'blocked',
    ]);
    expect(width('completed') / width('failed')).toBeCloseTo(4);
    expect(width('in_progress') / width('failed')).toBeCloseTo(5);
    expect(nodes()[0]!.getAttribute('aria-label')).toContain('4 of 50 done');
    // Its word agrees with its counts: tasks run, so it is Running, not Failed.
    expect(nodes()[0]!.dataset.status).toBe('in_progress');
  });

  it('draws one group with the groups it connects to collapsed into one node each', () => {
    renderView(<GraphView branch="Application" group="Features" />, failedRun(), new Date(at(161)));
    const ids = nodes().map((n) => n.dataset.nodeId!.replaceAll('\u0000', '/'));
    expect(ids.sort()).toEqual(['X1', 'X2', 'X3', 'down/Docs/Guides', 'up/Application/Foundation']);
    const up = nodes().find((n) => n.dataset.nodeId!.startsWith('up'))!;
    expect(up.textContent).toContain('← Foundation');
    expect(up.getAttribute('href')).toBe('#/graph/Application/Foundation');
    const down = nodes().find((n) => n.dataset.nodeId!.startsWith('down'))!;
    expect(down.textContent).toContain('→ Docs › Guides');
    // X1 and X3 wait on Foundation (one edge each), X2 is waited on by Guides.
    expect(document.querySelectorAll('.edge')).toHaveLength(4);
  });

  it('opens fitted to its box, and zooms from the keyboard', () => {
    renderView(<GraphView />, failedRun(), new Date(at(161)));
    const level = () => Number.parseInt(screen.getByTestId('zoom-level').textContent!, 10);
    const fitted = level();
    expect(fitted).toBeGreaterThan(0);
    expect(fitted).toBeLessThanOrEqual(100);
    const svg = screen.getByTestId('graph-svg');
    fireEvent.keyDown(svg, { key: '+' });
    expect(level()).toBeGreaterThan(fitted);
    fireEvent.keyDown(svg, { key: '0' });
    expect(level()).toBe(fitted);
  });
});
