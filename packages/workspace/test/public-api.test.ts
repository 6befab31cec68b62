/** Pins the runtime surface of the built entry: adding or removing an export is a visible change. */
import { describe, expect, it } from 'vitest';

describe('public API', () => {
  it('@program-nova/workspace', async () => {
    const mod = await import('../dist/index.js');
    expect(Object.keys(mod).sort()).toEqual([
      'MAX_SLUG_LENGTH',
      'MIN_GIT_VERSION',
      'NOVA_IDENTITY',
      'VERIFY_TAIL_BYTES',
      'VERIFY_TAIL_LINES',
      'WorkspaceError',
      'createWorkspaces',
      'initRepository',
      'inspectRepository',
      'listRemote',
      'projectSlug',
      'runVerify',
      'showRemote',
    ]);
  });

  it('a workspace set has exactly the documented members', async () => {
    const { createWorkspaces } = await import('../dist/index.js');
    const ws = createWorkspaces({ repoRoot: '.', worktreesDir: 'w', projectSlug: 'p' });
    expect(Object.keys(ws).sort()).toEqual([
      'adopt',
      'branchFor',
      'clean',
      'commitOf',
      'fetch',
      'finish',
      'mergeResult',
      'pathFor',
      'prepare',
      'projectSlug',
      'push',
      'release',
      'repoRoot',
      'reset',
      'resultBranch',
      'worktreesDir',
    ]);
  });
});
