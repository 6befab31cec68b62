/**
 * @program-nova/core/node: the few Node-only helpers several packages need (folders, errno codes,
 * Linux process facts, the PATH lookup). Kept apart from the main entry, which the dashboard bundles.
 */
export { moveEarlierLogAside } from './node/earlier-log.js';
export { ensureDirectory } from './node/ensure-directory.js';
export { errnoCode } from './node/errno.js';
export { findExecutable } from './node/find-executable.js';
export { type ProcStat, readProcStat } from './node/proc-stat.js';
