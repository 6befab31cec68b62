import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { at, failedRun } from '../../test/fixtures.js';
import { renderView } from '../../test/render.js';
import { BranchView } from './branch-view.js';

describe('BranchView', () => {
  it('shows its groups with their rollups and links', () => {
    renderView(<BranchView branch="Application" />, failedRun(), new Date(at(161)));
    const cards = screen.getAllByTestId('group-card');
    expect(cards.map((c) => c.querySelector('h3')?.textContent)).toEqual([
      'Foundation',
      'Features',
    ]);
    expect(cards[0]!.getAttribute('href')).toBe('#/group/Application/Foundation');
    expect(within(cards[0]!).getByText('Failed')).toBeTruthy();
    expect(within(cards[0]!).getByText('2/4 done')).toBeTruthy();
    expect(within(cards[1]!).getByText('Running')).toBeTruthy();
    expect(within(cards[1]!).getByText('2 blocked')).toBeTruthy();
    const crumbs = screen.getByRole('navigation', { name: 'Breadcrumb' });
    expect(within(crumbs).getByText('Demo Project').getAttribute('href')).toBe('#/');
  });

  it('says so for an unknown branch', () => {
    renderView(<BranchView branch="Nope" />, failedRun(), new Date(at(161)));
    expect(screen.getByRole('alert').textContent).toContain('no branch "Nope"');
  });
});
