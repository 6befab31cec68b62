import type { StatusSummary } from '@program-nova/state';
import { type ScopeStatus, scopeStatus } from '../data/labels.js';
import type { DisplayStatus } from '../data/model.js';

export const STATUS_META: Record<DisplayStatus, { label: string; icon: string }> = {
  completed: { label: 'Completed', icon: '✓' },
  in_progress: { label: 'Running', icon: '●' },
  failed: { label: 'Failed', icon: '✕' },
  blocked: { label: 'Blocked', icon: '⊘' },
  pending: { label: 'Pending', icon: '○' },
};

/** Words and colours of a group's, branch's or the project's status (see scopeStatus). */
export const SCOPE_META: Record<
  ScopeStatus,
  { label: string; icon: string; tone: DisplayStatus | 'partly' }
> = {
  running: { label: 'Running', icon: '●', tone: 'in_progress' },
  completed: { label: 'Completed', icon: '✓', tone: 'completed' },
  failed: { label: 'Failed', icon: '✕', tone: 'failed' },
  blocked: { label: 'Blocked', icon: '⊘', tone: 'blocked' },
  partly_done: { label: 'Partly done', icon: '◐', tone: 'partly' },
  not_started: { label: 'Not started', icon: '○', tone: 'pending' },
  empty: { label: 'No tasks', icon: '○', tone: 'pending' },
};

/** A task's status, always as colour AND text (and a glyph), never colour alone. */
export function StatusBadge({
  status,
  compact = false,
}: {
  status: DisplayStatus;
  compact?: boolean;
}) {
  const meta = STATUS_META[status];
  return (
    <span className={`badge s-${status}${compact ? ' compact' : ''}`} data-status={status}>
      <span className="badge-icon" aria-hidden="true">
        {meta.icon}
      </span>
      {meta.label}
    </span>
  );
}

/** The status of a scope, derived from its counts so the word never contradicts them. */
export function ScopeBadge({
  counts,
  compact = false,
}: {
  counts: StatusSummary;
  compact?: boolean;
}) {
  const status = scopeStatus(counts);
  const meta = SCOPE_META[status];
  return (
    <span
      className={`badge s-${meta.tone}${compact ? ' compact' : ''}`}
      data-status={status}
      data-testid="scope-status"
    >
      <span className="badge-icon" aria-hidden="true">
        {meta.icon}
      </span>
      {meta.label}
    </span>
  );
}

const SEGMENTS: { key: keyof StatusSummary; status: DisplayStatus }[] = [
  { key: 'completed', status: 'completed' },
  { key: 'inProgress', status: 'in_progress' },
  { key: 'failed', status: 'failed' },
  { key: 'blocked', status: 'blocked' },
  { key: 'pending', status: 'pending' },
];

/** A stacked bar of the counts; the text beside it carries the same numbers. */
export function ProgressBar({ counts, large = false }: { counts: StatusSummary; large?: boolean }) {
  const total = counts.totalTasks;
  const done = counts.completed;
  const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
  return (
    <div
      className={`progress${large ? ' large' : ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-label={`${done} of ${total} tasks completed (${pct}%)`}
    >
      {SEGMENTS.map(({ key, status }) => {
        const n = counts[key];
        if (!n || total === 0) return null;
        return (
          <span
            key={key}
            className={`progress-seg s-${status}`}
            style={{ width: `${(n / total) * 100}%` }}
            title={`${STATUS_META[status].label}: ${n}`}
          />
        );
      })}
    </div>
  );
}

/**
 * The five counts, each with its status colour and name; with `link`, each count links to the task
 * table filtered to that status (in this scope).
 */
export function StatusCounts({
  counts,
  link,
}: {
  counts: StatusSummary;
  link?: (status: DisplayStatus) => string;
}) {
  return (
    <ul className="counts" aria-label="Task counts">
      {SEGMENTS.map(({ key, status }) => {
        const body = (
          <>
            <span className="count-n">{counts[key].toLocaleString('en-US')}</span>
            <span className="count-label">
              <span aria-hidden="true">{STATUS_META[status].icon}</span> {STATUS_META[status].label}
            </span>
          </>
        );
        return (
          <li key={key} className={`count s-${status}`} data-count={status}>
            {link && counts[key] > 0 ? (
              <a className="count-link" href={link(status)}>
                {body}
              </a>
            ) : (
              body
            )}
          </li>
        );
      })}
    </ul>
  );
}
