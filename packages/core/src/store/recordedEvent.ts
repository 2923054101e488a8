import type { z } from 'zod';
import type { EventDefinition } from '../events/defineEvent.js';
import type { EventMetadata } from '../events/metadata.js';
import type { StreamKey } from '../streams/index.js';

/** An event as read back from the store, data revived and upcast to the current schema. */
export interface RecordedEvent<TType extends string = string, TData = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly data: TData;
  readonly metadata: EventMetadata;
  readonly stream: StreamKey;
  /** 1, 2, 3 ... inside the stream. */
  readonly version: number;
  /** Position in the global log (unique, increasing in commit order per dialect rules). */
  readonly position: bigint;
  /** The writing transaction (PostgreSQL); 0n on other dialects. */
  readonly transactionId: bigint;
  /** The schema version the event was stored at (its data is already lifted to the current one). */
  readonly storedSchemaVersion: number;
  readonly recordedAt: Date;
}

// biome-ignore lint/suspicious/noExplicitAny: distributes over a union of definitions.
export type RecordedEventOf<D extends EventDefinition<string, any>> =
  D extends EventDefinition<infer T, infer S> ? RecordedEvent<T, z.output<S>> : never;
