import type { StatusSummary } from '@program-nova/state';
import type { RunPhase } from '../data/labels.js';
import type { DisplayStatus } from '../data/model.js';
import { formatTime } from '../format.js';

export interface RunHealth {
  tone: DisplayStatus;
  /** One word or two: Running, Finished, Stopped, Interrupted, ... */
  label: string;
  /** What else a glance needs: failures, why it stopped, when it ended. */
  detail: string;
}

function failures(s: StatusSummary): string {
  const parts = [];
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.blocked > 0) parts.push(`${s.blocked} blocked`);
  return parts.join(', ');
}

/** The run's health in words: from how the state says it ended (or that it runs) and its counts. */
export function runHealth(phase: RunPhase, summary: StatusSummary, now: Date): RunHealth {
  const ended = (at: string | null) => (at ? `ended ${formatTime(at, now)}` : '');
  const join = (...parts: string[]) => parts.filter((p) => p !== '').join(' · ');
  switch (phase.kind) {
    case 'running':
      return {
        tone: summary.failed > 0 ? 'failed' : 'in_progress',
        label: 'Running',
        detail: join(`${summary.inProgress} running`, failures(summary)),
      };
    case 'crashed':
      return {
        tone: 'failed',
        label: 'Run process gone',
        detail: join(
          'it stopped without recording an end',
          phase.at ? `last update ${formatTime(phase.at, now)}` : '',
        ),
      };
    case 'finished':
      return phase.allCompleted
        ? { tone: 'completed', label: 'Finished', detail: join('all completed', ended(phase.at)) }
        : { tone: 'failed', label: 'Finished', detail: join(failures(summary), ended(phase.at)) };
    case 'stopped':
      return { tone: 'blocked', label: 'Stopped', detail: join(phase.why, ended(phase.at)) };
    case 'interrupted':
      return {
        tone: 'blocked',
        label: 'Interrupted',
        detail: join('running tasks went back to pending', ended(phase.at)),
      };
    case 'not_started':
      return { tone: 'pending', label: 'Not started', detail: '' };
    case 'idle':
      return {
        tone: summary.failed > 0 ? 'failed' : 'pending',
        label: 'Not running',
        detail: join(failures(summary), ended(phase.at)),
      };
  }
}

export function RunState({ health }: { health: RunHealth }) {
  return (
    <span className={`run-state s-${health.tone}`} data-testid="run-state">
      <span className="run-state-label">{health.label}</span>
      {health.detail ? <span className="run-state-detail">{health.detail}</span> : null}
    </span>
  );
}
