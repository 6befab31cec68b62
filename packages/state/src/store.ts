/**
 * @program-nova/state/store: the Node file store (journal + atomic snapshots + single-writer lease)
 * and the lock-free reader. Uses node:fs; the browser-safe API is the package's main entry.
 */

export type { LockInfo, ProcessIdentity } from './store/lease.js';
export { ownIdentity } from './store/lease.js';
export type { OpenStoreOptions, StateStore, StoreStats } from './store/open-store.js';
export { openStore, readState } from './store/open-store.js';
export { journalPathFor, lockPathFor } from './store/paths.js';
export { inspectStateLock, recordedWriterLiveness, unlockState } from './store/writer.js';
