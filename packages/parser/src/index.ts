/**
 * @program-nova/parser: CASCADE.md -> a typed, validated task graph. The graph helpers are also
 * available alone, without node built-ins, from `@program-nova/parser/graph`.
 */

export type { CascadeErrorCode, CascadeErrorOptions } from './errors.js';
export { CascadeError } from './errors.js';
export type { FieldResult } from './fields.js';
export { parseTimeout } from './fields.js';
export { formatDiagnostic } from './format.js';
export {
  criticalPath,
  dependentsMap,
  depths,
  describeCycle,
  findCycles,
  topologicalOrder,
  transitiveDependents,
  waves,
} from './graph.js';
export { parseCascade } from './parse.js';
export type { ParseFileOptions } from './parse-file.js';
export { parseCascadeFile, parseCascadeFileSync } from './parse-file.js';
export type * from './types.js';
