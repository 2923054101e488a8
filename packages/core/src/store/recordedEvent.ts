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
  /** Its tags (dynamic consistency boundaries), in code-unit order; none: `[]`. */
  readonly tags: readonly string[];
  /**
   * The stored personal fields whose subject was forgotten (`store.forget`): their values are the
   * declared `erased` ones. In code-unit order; absent when none was.
   */
  readonly erased?: readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: distributes over a union of definitions.
export type RecordedEventOf<D extends EventDefinition<string, any>> =
  D extends EventDefinition<infer T, infer S> ? RecordedEvent<T, z.output<S>> : never;

/**
 * An event whose type this store does not know (written by a newer version of the application, or
 * by hand), handed over as stored, not validated or upcast, to a reader that asks for it with
 * `unknownTypes: 'raw'`.
 */
export interface UnknownRecordedEvent extends RecordedEvent<string, unknown> {
  readonly unknownType: true;
}

/** What a read returns: the store's events, and unknown ones as raw events where the reader asks. */
export type ReadEventOf<
  // biome-ignore lint/suspicious/noExplicitAny: distributes over a union of definitions.
  D extends EventDefinition<string, any>,
  O,
> = O extends { readonly unknownTypes: 'raw' } ? RecordedEventOf<D> | UnknownRecordedEvent : RecordedEventOf<D>;
