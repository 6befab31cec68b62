export type { CascadeErrorCode } from './errors.js';
export { CascadeError } from './errors.js';
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
export type * from './types.js';
