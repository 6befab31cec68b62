/**
 * @program-nova/state/store: the Node file store (journal + atomic snapshots + single-writer lease)
 * and the lock-free reader. Uses node:fs; the browser-safe API is the package's main entry.
 */

export type { LockInfo, ProcessIdentity } from './store/lease.js';
export { ownIdentity } from './store/lease.js';
export type { OpenStoreOptions, StateStore, StoreStats } from './store/open-store.js';
export {
  inspectStateLock,
  journalPathFor,
  lockPathFor,
  openStore,
  readState,
  recordedWriterLiveness,
  unlockState,
} from './store/open-store.js';
