import { describe, expect, it } from 'vitest';
import { jobIdOf, queueNameOf, readJobData } from './job-data.js';

const valid = {
  run: 'abc',
  attempt: 1,
  project: 'P',
  task: { id: 'A-1', name: 'n', description: 'd', branch: 'b', group: 'g', dependsOn: [] },
  dependencies: [],
};

describe('job data', () => {
  it('keeps only task data: a command, environment or folder in a job is dropped', () => {
    const hostile = {
      ...valid,
      command: ['sh', '-c', 'touch /tmp/x'],
      env: { PATH: '/evil' },
      cwd: '/',
      stdin: 'x',
    };
    const read = readJobData(hostile) as unknown as Record<string, unknown>;
    expect(Object.keys(read).sort()).toEqual(['attempt', 'dependencies', 'project', 'run', 'task']);
    expect(read).not.toHaveProperty('command');
  });

  it('refuses malformed jobs', () => {
    expect(() => readJobData(null)).toThrow('object');
    expect(() => readJobData({ ...valid, attempt: 0 })).toThrow('attempt');
    expect(() => readJobData({ ...valid, task: { ...valid.task, id: '../x' } })).toThrow('task id');
    expect(() => readJobData({ ...valid, task: { ...valid.task, name: 5 } })).toThrow('task.name');
    expect(() => readJobData({ ...valid, run: '../../etc' })).toThrow('run');
  });

  it('worktree mode: commits are full shas, the subfolder stays inside, nothing names a remote or a command', () => {
    const sha = 'a'.repeat(40);
    const workspace = {
      base: sha,
      subdir: 'packages/api',
      dependencies: [{ id: 'B-1', head: 'b'.repeat(40), branch: 'ignored' }],
      previousHead: null,
      repo: 'ext::sh -c touch% /tmp/x',
      verify: ['sh', '-c', 'touch /tmp/x'],
    };
    expect(readJobData({ ...valid, workspace }).workspace).toEqual({
      base: sha,
      subdir: 'packages/api',
      dependencies: [{ id: 'B-1', head: 'b'.repeat(40) }],
      previousHead: null,
    });
    const bad = (w: Record<string, unknown>) => () =>
      readJobData({ ...valid, workspace: { ...workspace, ...w } });
    expect(bad({ base: 'HEAD' })).toThrow('workspace.base');
    expect(bad({ base: `--upload-pack=${sha}` })).toThrow('workspace.base');
    expect(bad({ subdir: '../../etc' })).toThrow('workspace.subdir');
    expect(bad({ subdir: '/etc' })).toThrow('workspace.subdir');
    expect(bad({ subdir: 'a/../../b' })).toThrow('workspace.subdir');
    expect(bad({ dependencies: [{ id: 'B-1', head: 'main' }] })).toThrow('head');
    expect(bad({ dependencies: [{ id: '-x', head: sha }] })).toThrow('task id');
    expect(bad({ previousHead: 'x' })).toThrow('previousHead');
  });

  it('names queues after the project and jobs after run, task and attempt', () => {
    expect(queueNameOf('My Project: v2!')).toBe('nova-my-project-v2');
    expect(queueNameOf('***')).toBe('nova-project');
    expect(jobIdOf('r1', 'API-01', 3)).toBe('r1:API-01:3');
    expect(jobIdOf('r1', 'API-01', 3, 0)).toBe('r1:API-01:3');
    // After a reset the attempts count from 1 again: the series keeps the ids apart.
    expect(jobIdOf('r1', 'API-01', 1, 2)).toBe('r1:API-01:2.1');
    expect(jobIdOf('r1', 'API-01', 1, 2)).not.toBe(jobIdOf('r1', 'API-01', 1, 1));
  });
});
