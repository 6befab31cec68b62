// Shared by the child processes of the integration tests: they use the built package, as users do.
import { createState } from '../../dist/index.js';

/** A state of `n` tasks T0..T(n-1) (no dependencies), in one branch with groups of ten. */
export function initialState(n) {
  const tasks = [];
  for (let i = 0; i < n; i++) {
    tasks.push({
      id: `T${i}`,
      name: `Task ${i}`,
      description: `Work item ${i} `.repeat(4),
      dependsOn: [],
      branch: 'Main',
      group: `G${Math.floor(i / 10)}`,
      line: i + 1,
      fields: {},
    });
  }
  const groups = [];
  for (const t of tasks) {
    const g = groups.find((x) => x.group === t.group);
    if (g) g.tasks.push(t.id);
    else groups.push({ group: t.group, tasks: [t.id] });
  }
  return createState(
    { projectName: 'Stress', tasks, hierarchy: [{ branch: 'Main', groups }], warnings: [] },
    { now: new Date(0) },
  );
}

export function usage(n) {
  return { input_tokens: n, output_tokens: n % 97, cache_read_tokens: 0, cache_creation_tokens: 0 };
}

/** Lines from stdin, one callback each. */
export function onLines(callback) {
  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      callback(line);
    }
  });
}
