import { formatCost, totalTokens } from '@program-nova/core';
import { elapsedSeconds } from '@program-nova/state';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { StatusBadge } from '../components/status.js';
import { TaskLink } from '../components/task-link.js';
import { TaskWork } from '../components/task-work.js';
import { Transcript } from '../components/transcript.js';
import { useDashboard } from '../data/dashboard-context.js';
import { useTaskLog } from '../data/use-task-log.js';
import { formatExactTokens, formatSeconds, formatTime } from '../format.js';
import { navigate } from '../routing/navigate.js';
import { hrefFor } from '../routing/routes.js';

export function TaskView({ id, attempt }: { id: string; attempt?: number | undefined }) {
  const { model, now } = useDashboard();
  const { state } = model;
  const task = state.tasks[id];
  const def = state.graph.tasks[id];
  const projectCrumb = { label: state.project.name, route: { view: 'project' as const } };
  if (!task || !def) {
    return <NotFound what={`task "${id}"`} crumbs={[projectCrumb, { label: id }]} />;
  }
  const status = model.displayStatus(id);
  const roots = model.blockedRoots(id);
  const dependents = model.dependents(id);
  const u = task.token_usage;
  const total = totalTokens(u);
  return (
    <section data-testid="task-view">
      <Breadcrumbs
        crumbs={[
          projectCrumb,
          { label: def.branch, route: { view: 'branch', branch: def.branch } },
          { label: def.group, route: { view: 'group', branch: def.branch, group: def.group } },
          { label: id },
        ]}
      />
      <div className="panel hero">
        <div className="hero-head">
          <h1>
            <span className="mono">{id}</span> {def.name}
          </h1>
          <StatusBadge status={status} />
        </div>
        {def.description ? <p className="description">{def.description}</p> : null}
      </div>

      {task.status === 'failed' ? (
        <div className="panel callout callout-failed" data-testid="failure">
          <h2>
            <span aria-hidden="true">✕</span> Failure reason
          </h2>
          <pre className="reason">{task.error ?? 'No reason was recorded.'}</pre>
          <p className="muted">
            {task.failure_kind ? `kind: ${task.failure_kind}` : null}
            {task.exit_code !== null ? ` · exit code ${task.exit_code}` : null}
            {` · ${task.attempts} attempt${task.attempts === 1 ? '' : 's'}`}
          </p>
        </div>
      ) : null}
      {roots.length > 0 ? (
        <div className="panel callout callout-blocked" data-testid="blocked-by">
          <h2>
            <span aria-hidden="true">⊘</span> Blocked by
          </h2>
          <p className="muted">
            This task cannot start: a task it depends on (directly or further up) failed.
          </p>
          <ul className="link-list">
            {roots.map((root) => (
              <li key={root}>
                <TaskLink model={model} id={root} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {task.status === 'pending' && task.error && roots.length === 0 ? (
        <div className="panel callout callout-pending">
          <h2>Last attempt</h2>
          <pre className="reason">{task.error}</pre>

          {task.retry_at ? (
            <p className="muted">Retry scheduled at {formatTime(task.retry_at, now)}</p>
          ) : null}
        </div>
      ) : null}

      <div className="columns">
        <div className="panel">
          <h2>Run</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={status} compact />
            </dd>
            <dt>Started</dt>
            <dd>{formatTime(task.started_at, now)}</dd>
            <dt>Ended</dt>
            <dd>
              {task.status === 'in_progress' ? 'still running' : formatTime(task.completed_at, now)}
            </dd>
            <dt>Duration</dt>
            <dd data-testid="task-duration">{formatSeconds(elapsedSeconds(task, now))}</dd>
            <dt>Attempts</dt>
            <dd>{task.attempts}</dd>
            <dt>Model</dt>
            <dd className="mono">{task.model ?? '—'}</dd>
            {task.current_step ? (
              <>
                <dt>Current step</dt>
                <dd>{task.current_step}</dd>
              </>
            ) : null}
            {task.retry_at ? (
              <>
                <dt>Retry at</dt>
                <dd>{formatTime(task.retry_at, now)}</dd>
              </>
            ) : null}
            {task.worker_id ? (
              <>
                <dt>Worker</dt>
                <dd className="mono">
                  {task.worker_id}
                  {task.pid ? ` (pid ${task.pid})` : ''}
                </dd>
              </>
            ) : null}
            {task.runner ? (
              <>
                <dt>Ran on</dt>
                <dd className="mono" data-testid="task-runner">
                  {task.runner.host} (pid {task.runner.pid}, nova worker)
                </dd>
              </>
            ) : null}
            {task.log_incomplete ? (
              <>
                <dt>Log</dt>
                <dd data-testid="log-incomplete">incomplete: {task.log_incomplete}</dd>
              </>
            ) : null}
            {task.commit_sha ? (
              <>
                <dt>Commit</dt>
                <dd className="mono">{task.commit_sha.slice(0, 12)}</dd>
              </>
            ) : null}
          </dl>
        </div>
        <TaskWork task={task} />
        <div className="panel">
          <h2>Tokens and cost</h2>
          <dl className="facts">
            <dt>Input</dt>
            <dd className="num">{formatExactTokens(u.input_tokens)}</dd>
            <dt>Output</dt>
            <dd className="num">{formatExactTokens(u.output_tokens)}</dd>
            <dt>Cache read</dt>
            <dd className="num">{formatExactTokens(u.cache_read_tokens)}</dd>
            <dt>Cache write</dt>
            <dd className="num">{formatExactTokens(u.cache_creation_tokens)}</dd>
            <dt>Total</dt>
            <dd className="num strong">{formatExactTokens(total)}</dd>
            <dt>Cost</dt>
            <dd className="num strong" data-testid="task-cost">
              {formatCost(model.taskCost(task))}
            </dd>
          </dl>
        </div>
        <div className="panel">
          <h2>Depends on ({def.depends_on.length})</h2>
          {def.depends_on.length === 0 ? (
            <p className="muted">Nothing: it can start at once.</p>
          ) : (
            <ul className="link-list" data-testid="dependencies">
              {def.depends_on.map((dep) => (
                <li key={dep}>
                  <TaskLink model={model} id={dep} />
                </li>
              ))}
            </ul>
          )}
          <h2>Dependents ({dependents.length})</h2>
          {dependents.length === 0 ? (
            <p className="muted">No task waits for this one.</p>
          ) : (
            <ul className="link-list" data-testid="dependents">
              {dependents.map((dep) => (
                <li key={dep}>
                  <TaskLink model={model} id={dep} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <LogPanel id={id} live={task.status === 'in_progress'} attempt={attempt} />
    </section>
  );
}

function LogPanel({ id, live, attempt }: { id: string; live: boolean; attempt?: number }) {
  const log = useTaskLog(id, attempt ?? null, live && attempt === undefined);
  const file = `logs/${id}.log${attempt === undefined ? '' : `.${attempt}`}`;
  const earlier = log.kind === 'ok' ? log.earlier : 0;
  const download = `./logs/${encodeURIComponent(id)}?${attempt === undefined ? '' : `attempt=${attempt}&`}download=1`;
  return (
    <div className="panel" data-testid="log">
      <div className="log-head">
        <h2>
          Log <span className="muted mono">{file}</span>
          {live && attempt === undefined ? <span className="live-tag">live</span> : null}
        </h2>
        {earlier > 0 ? (
          <label className="attempt-pick">
            <span>Attempt</span>
            <select
              value={attempt ?? 0}
              data-testid="attempt-select"
              onChange={(e) => {
                const n = Number(e.target.value);
                navigate(
                  hrefFor(n === 0 ? { view: 'task', id } : { view: 'task', id, attempt: n }),
                );
              }}
            >
              <option value={0}>{earlier + 1} (latest)</option>
              {Array.from({ length: earlier }, (_, i) => earlier - i).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {log.kind === 'loading' ? <p className="muted">Loading the log…</p> : null}
      {log.kind === 'none' ? <p className="muted">No log for this task yet.</p> : null}
      {log.kind === 'error' ? (
        <p className="error-text">Cannot load the log: {log.message}</p>
      ) : null}
      {log.kind === 'ok' && log.problem ? (
        <p className="error-text">
          Cannot read more of the log ({log.problem}); showing what was read.
        </p>
      ) : null}
      {log.kind === 'ok' ? (
        <Transcript log={log} live={live && attempt === undefined} downloadHref={download} />
      ) : null}
    </div>
  );
}
