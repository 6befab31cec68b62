import type { CascadeState } from '@program-nova/state';
import { type RenderResult, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createDashboardData, DashboardContext } from '../src/data/dashboard-context.js';
import { modelOf } from '../src/data/model.js';

/**
 * Renders a view with the data the App would give it for `state` at `now`; `update` re-renders
 * with a new state and/or clock, as a poll or the ticking clock does.
 */
export function renderView(
  ui: ReactElement,
  state: CascadeState,
  now: Date,
): RenderResult & { update: (s: CascadeState, n: Date) => void } {
  const wrap = (s: CascadeState, n: Date) => (
    <DashboardContext.Provider value={createDashboardData(modelOf(s), n)}>
      {ui}
    </DashboardContext.Provider>
  );
  const result = render(wrap(state, now));
  return { ...result, update: (s: CascadeState, n: Date) => result.rerender(wrap(s, n)) };
}
