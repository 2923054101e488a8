/** Snapshots, kept per stream with the version they were taken at. */
import type { StreamKey } from '../streams/index.js';

export interface SnapshotToStore {
  readonly stream: StreamKey;
  readonly version: number;
  readonly schemaVersion: number;
  /** JSON text in the store's tagged format. */
  readonly state: string;
  readonly takenAt: Date;
}

export interface StoredSnapshot {
  readonly stream: StreamKey;
  readonly version: number;
  readonly schemaVersion: number;
  /** JSON text in the store's tagged format, as it was saved. */
  readonly state: string;
  readonly takenAt: Date;
}

/** Saving and loading a stream's snapshot: the newest by version wins, never the newest by time. */
export interface SnapshotSession {
  /** Keeps the snapshot unless the stored one is at a higher version. */
  saveSnapshot(snapshot: SnapshotToStore): Promise<void>;
  loadSnapshot(stream: StreamKey): Promise<StoredSnapshot | undefined>;
}
