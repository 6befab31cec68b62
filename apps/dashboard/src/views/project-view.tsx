import {
  clip,
  firstLine,
  formatCost,
  formatPercent,
  formatTokens,
  totalTokens,
} from '@program-nova/core';
import type { BranchRollup, Rollup } from '@program-nova/state';
import { elapsedSeconds } from '@program-nova/state';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { RollupCard } from '../components/rollup-card.js';
import { Stat } from '../components/stat.js';
import { ProgressBar, ScopeBadge, StatusCounts } from '../components/status.js';
import { TaskLink } from '../components/task-link.js';
import { useDashboard } from '../data/dashboard-context.js';
import { formatExactTokens, formatSeconds, formatTime } from '../format.js';
import { hrefFor, tasksHref } from '../routing/routes.js';

const LIST_LIMIT = 8;

export function ProjectView() {
  const { model, now, rollup } = useDashboard();
  const project = rollup();
  const { state, summary } = model;
  const running = model.ids.filter((id) => state.tasks[id]!.status === 'in_progress');
  const failed = model.ids.filter((id) => state.tasks[id]!.status === 'failed');
  return (
    <section data-testid="project-view">
      <Breadcrumbs crumbs={[{ label: state.project.name }]} />
      <div className="panel hero">
        <div className="hero-head">
          <h1>{state.project.name}</h1>
          <ScopeBadge counts={summary} />
          <span className="hero-pct">
            {formatPercent(summary.completed, summary.totalTasks)} ·{' '}
            {summary.completed.toLocaleString('en-US')} /{' '}
            {summary.totalTasks.toLocaleString('en-US')} tasks completed
          </span>
        </div>
        <ProgressBar counts={summary} large />
        <StatusCounts counts={summary} link={(status) => tasksHref({ status: [status] })} />
        <RollupStats rollup={project} extra={summary.activeWorkers} />
      </div>

      <div className="columns">
        <div className="panel">
          <h2>
            Running now <span className="muted">({running.length})</span>
          </h2>
          {running.length === 0 ? (
            <p className="muted">No task is running.</p>
          ) : (
            <ul className="task-list">
              {running.slice(0, LIST_LIMIT).map((id) => (
                <li key={id}>
                  <TaskLink model={model} id={id} />
                  <span className="task-list-meta">
                    {formatSeconds(elapsedSeconds(state.tasks[id]!, now))}
                    {state.tasks[id]!.current_step ? ` · ${state.tasks[id]!.current_step}` : ''}
                  </span>
                </li>
              ))}
              {running.length > LIST_LIMIT ? (
                <li>
                  <a href={tasksHref({ status: ['in_progress'], sort: 'duration', dir: 'desc' })}>
                    and {running.length - LIST_LIMIT} more running
                  </a>
                </li>
              ) : null}
            </ul>
          )}
        </div>
        <div className="panel">
          <h2>
            Failures <span className="muted">({failed.length})</span>
          </h2>
          {failed.length === 0 ? (
            <p className="muted">No task has failed.</p>
          ) : (
            <ul className="task-list">
              {failed.slice(0, LIST_LIMIT).map((id) => (
                <li key={id}>
                  <TaskLink model={model} id={id} />
                  <span className="task-list-meta error-text">
                    {clip(firstLine(state.tasks[id]!.error), 160) || 'no reason recorded'}
                  </span>
                </li>
              ))}
              {failed.length > LIST_LIMIT ? (
                <li>
                  <a href={tasksHref({ status: ['failed'] })}>
                    and {failed.length - LIST_LIMIT} more failed
                  </a>
                </li>
              ) : null}
            </ul>
          )}
        </div>
        <div className="panel">
          <h2>
            Milestones <span className="muted">({state.milestones.length})</span>
          </h2>
          {state.milestones.length === 0 ? (
            <p className="muted">No milestone reached yet.</p>
          ) : (
            <ul className="milestones">
              {state.milestones.map((m) => (
                <li key={m.id}>
                  <span className="milestone-name">
                    <span aria-hidden="true">⚑</span> {m.name}
                  </span>
                  <time dateTime={m.triggered_at}>{formatTime(m.triggered_at, now)}</time>
                  {m.message ? <div className="muted">{m.message}</div> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <h2 className="section-title">Branches</h2>
      <div className="cards">
        {project.branches.map((b) => (
          <BranchCard key={b.branch} rollup={b} />
        ))}
      </div>
    </section>
  );
}

export function RollupStats({ rollup, extra }: { rollup: Rollup; extra?: number }) {
  const t = rollup.tokens;
  const total = totalTokens(rollup.tokens);
  return (
    <div className="stats">
      <Stat
        label="Wall time"
        value={formatSeconds(rollup.wallSeconds)}
        detail={rollup.startedAt ? `since ${formatTime(rollup.startedAt)}` : 'not started'}
      />
      <Stat
        label="Task time"
        value={formatSeconds(rollup.taskSeconds)}
        detail={extra !== undefined ? `${extra} active worker${extra === 1 ? '' : 's'}` : undefined}
      />
      <Stat
        label="Tokens"
        value={<span title={`${formatExactTokens(total)} tokens`}>{formatTokens(total)}</span>}
        detail={`${formatTokens(t.input_tokens)} in · ${formatTokens(t.output_tokens)} out · ${formatTokens(t.cache_read_tokens)} cache`}
      />
      <Stat
        label="Cost"
        value={formatCost(rollup.costUsd)}
        detail={
          rollup.costUnknownTasks > 0
            ? `+ ${rollup.costUnknownTasks} task${rollup.costUnknownTasks === 1 ? '' : 's'} with an unpriced model`
            : undefined
        }
      />
    </div>
  );
}

function BranchCard({ rollup }: { rollup: BranchRollup }) {
  const groups = rollup.groups.length;
  return (
    <RollupCard
      title={rollup.branch}
      href={hrefFor({ view: 'branch', branch: rollup.branch })}
      rollup={rollup}
      testId="branch-card"
      detail={`${groups} group${groups === 1 ? '' : 's'}`}
    />
  );
}
