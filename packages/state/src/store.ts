/**
 * @program-nova/state/store: the Node file store (journal + atomic snapshots + single-writer lease)
 * and the lock-free reader. Uses node:fs; the browser-safe API is the package's main entry.
 */

export type { OpenStoreOptions, StateStore, StoreStats } from './store/open-store.js';
export { journalPathFor, lockPathFor, openStore, readState } from './store/open-store.js';
