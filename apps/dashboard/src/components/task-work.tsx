import type { TaskState } from '@program-nova/state';

const FILES_SHOWN = 50;

/**
 * Worktree mode: what a completed task changed, on which branch, from which commit. Nothing for a
 * task without git work (shared mode, or not completed yet).
 */
export function TaskWork({ task }: { task: TaskState }) {
  const git = task.git;
  if (!git) return null;
  let added = 0;
  let removed = 0;
  for (const f of git.files) {
    added += f.added ?? 0;
    removed += f.removed ?? 0;
  }
  const shown = git.files.slice(0, FILES_SHOWN);
  return (
    <div className="panel" data-testid="task-work">
      <h2>Work</h2>
      <dl className="facts">
        <dt>Branch</dt>
        <dd className="mono">{git.branch}</dd>
        <dt>Commits</dt>
        <dd className="mono">
          {git.base.slice(0, 12)} → {git.head.slice(0, 12)}
        </dd>
        <dt>Changed</dt>
        <dd>
          {git.files.length} file{git.files.length === 1 ? '' : 's'},{' '}
          <span className="added">+{added}</span> <span className="removed">−{removed}</span>
        </dd>
      </dl>
      {git.files.length > 0 ? (
        <ul className="file-list">
          {shown.map((f) => (
            <li key={f.path}>
              <span className="mono">{f.path}</span>{' '}
              {f.added === null ? (
                <span className="muted">binary</span>
              ) : (
                <>
                  <span className="added">+{f.added}</span>{' '}
                  <span className="removed">−{f.removed}</span>
                </>
              )}
            </li>
          ))}
          {git.files.length > FILES_SHOWN ? (
            <li className="muted">and {git.files.length - FILES_SHOWN} more</li>
          ) : null}
        </ul>
      ) : null}
      <p className="muted">
        Take this task's work alone with <code className="mono">git merge {git.branch}</code>.
      </p>
    </div>
  );
}
