import { EsError } from '../errors/index.js';

/** Another live instance holds the consumer's lease. */
export class ConsumerHeldError extends EsError {
  readonly code = 'CONSUMER_HELD';

  constructor(
    readonly consumer: string,
    readonly holder: string | null,
  ) {
    super(`Consumer '${consumer}' is held by ${holder ?? 'another instance'} until its lease runs out`);
  }
}

/** `whenCaughtUp` gave up: the consumer did not reach the log's end in time. */
export class ConsumerTimeoutError extends EsError {
  readonly code = 'CONSUMER_TIMEOUT';

  constructor(
    readonly consumer: string,
    readonly timeoutMs: number,
  ) {
    super(`Consumer '${consumer}' did not catch up within ${timeoutMs} ms`);
  }
}

/** The consumer stopped at an event its failure policy (`halt`) could not get past. */
export class ConsumerHaltedError extends EsError {
  readonly code = 'CONSUMER_HALTED';

  constructor(
    readonly consumer: string,
    readonly position: bigint,
    readonly reason: string,
  ) {
    super(`Consumer '${consumer}' is halted at the event at position ${position}: ${reason}`);
  }
}

/**
 * A consumer's stored rows were made with another partition count (or unpartitioned) than it is
 * run with now. Events would move between partitions whose checkpoints stand at different places,
 * so some would be handled twice or never: the count of a consumer name is fixed.
 */
export class ConsumerPartitionsChangedError extends EsError {
  readonly code = 'CONSUMER_PARTITIONS_CHANGED';

  constructor(
    readonly consumer: string,
    /** The count stored (undefined: unpartitioned). */
    readonly stored: number | undefined,
    /** The count the consumer runs with now (undefined: unpartitioned). */
    readonly requested: number | undefined,
  ) {
    const count = (partitions: number | undefined) =>
      partitions === undefined ? 'unpartitioned' : `${partitions} partitions`;
    super(
      `Consumer '${consumer}' was run ${count(stored)} and is now started ${count(requested)}: a consumer's partition count cannot change. Give the consumer a new name and rebuild what it projects, or delete its old checkpoint rows first`,
    );
  }
}
