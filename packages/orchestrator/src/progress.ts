/**
 * The periodic pass (each checkInterval): live token totals, model and step of running attempts
 * go into the state, and the snapshot is flushed if anything was recorded. (The store checks its
 * lease before every write: a lost lease surfaces here as a fatal error.)
 */
import type { Transition } from '@program-nova/state';
import type { RunEngine } from './engine.js';
import { now } from './engine.js';

export async function recordProgress(engine: RunEngine): Promise<void> {
  const { session } = engine;
  if (!session.isOpen) return;
  try {
    for (const a of engine.attempts.values()) {
      if (!a.dirty || a.settling) continue;
      a.dirty = false;
      await a.startRecorded;
      // The run may have finished (and closed the state) meanwhile.
      if (!session.isOpen || engine.phase.phase === 'finishing') return;
      if (engine.attempts.get(a.id) !== a || a.settling) continue;
      const t: Transition = {
        type: 'task_progress',
        at: now(),
        id: a.id,
        ...(a.tokens
          ? {
              token_usage: a.tokens.usage,
              cost_usd: engine.spend.cost(a.tokens.usage, a.tokens.costUsd, a.model),
            }
          : {}),
        ...(a.step !== null ? { current_step: a.step } : {}),
        model: a.model,
      };
      await session.record(t);
    }
    if (session.recordedSinceFlush && session.isOpen && engine.phase.phase !== 'finishing') {
      session.recordedSinceFlush = false;
      await session.store!.flush();
    }
  } catch (e) {
    engine.onFatal(e);
  }
}
