import { describe, expect, it } from 'vitest';
import { executorSettings } from './executor-settings.js';

const redis = 'redis://127.0.0.1:6379';
const read = (values: Record<string, string>, config = {}, env: NodeJS.ProcessEnv = {}) =>
  executorSettings(values, config, env, 'run');

describe('executorSettings', () => {
  it('local runs: worktree or shared as asked, no remote', () => {
    expect(read({})).toEqual({
      executor: 'local',
      redis: undefined,
      repo: undefined,
      workspace: undefined,
    });
    expect(read({ workspace: 'shared' }).workspace).toBe('shared');
    expect(() => read({ workspace: 'both' })).toThrow(
      '--workspace must be one of worktree, shared, got "both"',
    );
    expect(() => read({ repo: '/srv/plan.git' })).toThrow('--repo is for --executor bullmq');
    // A config's repo is for runs that use the queue; a local run leaves it aside.
    expect(read({}, { repo: '/srv/plan.git' }).repo).toBeUndefined();
  });

  it('the queue: shared without a remote, a worktree per task with one', () => {
    expect(read({ executor: 'bullmq', redis })).toMatchObject({
      workspace: 'shared',
      repo: undefined,
    });
    expect(read({ executor: 'bullmq', redis, repo: '/srv/plan.git' })).toMatchObject({
      workspace: 'worktree',
      repo: '/srv/plan.git',
    });
    expect(
      read({ executor: 'bullmq' }, { repo: 'ssh://h/p.git' }, { NOVA_REDIS_URL: redis }),
    ).toMatchObject({
      redis,
      workspace: 'worktree',
      repo: 'ssh://h/p.git',
    });
    // Asked for shared, the remote is not used.
    expect(read({ executor: 'bullmq', redis, repo: '/x.git', workspace: 'shared' })).toMatchObject({
      workspace: 'shared',
      repo: undefined,
    });
  });

  it('the queue refuses what cannot work, naming the fix', () => {
    expect(() => read({ executor: 'bullmq' })).toThrow('--executor bullmq needs the Redis URL');
    expect(() => read({ executor: 'bullmq', redis, workspace: 'worktree' })).toThrow(
      '--workspace worktree with --executor bullmq needs --repo <url>',
    );
    for (const flag of ['agent', 'worker-cmd', 'verify']) {
      expect(() => read({ executor: 'bullmq', redis, [flag]: 'x' })).toThrow(
        `--${flag} is set on each \`nova worker\` with --executor bullmq`,
      );
    }
    expect(() => read({ executor: 'remote' })).toThrow(
      '--executor must be one of local, bullmq, got "remote"',
    );
  });
});
