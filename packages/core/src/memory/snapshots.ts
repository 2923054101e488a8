import type { SnapshotSession, StoredSnapshot } from '../backend/index.js';
import { formatStreamKey } from '../streams/index.js';
import { assertWritable, type MemoryScope } from './state.js';

/** A stream's snapshot, kept unless a newer version is stored already. */
export function memorySnapshots(scope: MemoryScope): SnapshotSession {
  return {
    async saveSnapshot(snapshot) {
      assertWritable(scope);
      const id = formatStreamKey(snapshot.stream);
      const stored = scope.state.snapshots.get(id);
      if (stored && stored.version > snapshot.version) return;
      scope.state.snapshots.set(id, { ...snapshot });
    },
    async loadSnapshot(stream) {
      const snapshot = scope.state.snapshots.get(formatStreamKey(stream));
      return snapshot && cloneSnapshot(snapshot);
    },
  };
}

// A Date handed out is copied so that a caller's setTime leaves the stored one untouched.
function cloneSnapshot(snapshot: StoredSnapshot): StoredSnapshot {
  return { ...snapshot, takenAt: new Date(snapshot.takenAt.getTime()) };
}
