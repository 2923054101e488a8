export interface StoreLimits {
  /** Largest serialized event data, in bytes (default 1 MiB). */
  readonly maxEventBytes: number;
  /** Largest serialized metadata, in bytes (default 64 KiB). */
  readonly maxMetadataBytes: number;
  /** Most events in one append (default 1,000). */
  readonly maxEventsPerAppend: number;
  /** Largest serialized snapshot state, in bytes (default 8 MiB). */
  readonly maxSnapshotBytes: number;
}

export const DEFAULT_LIMITS: StoreLimits = Object.freeze({
  maxEventBytes: 1024 * 1024,
  maxMetadataBytes: 64 * 1024,
  maxEventsPerAppend: 1000,
  maxSnapshotBytes: 8 * 1024 * 1024,
});
