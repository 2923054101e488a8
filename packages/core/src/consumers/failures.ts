import { compareLogPositions, type LogPage, type LogPosition } from '../backend/index.js';
import { InvalidArgumentError } from '../errors/index.js';

/**
 * What a consumer does with a batch that keeps failing (its handler throws, or an event's type is
 * unknown to the store). It runs the batch `retries` more times, after growing pauses; then it
 * narrows the failure down to one event, running the batch's events one at a time (each with the
 * same retries), and its `action` either sets that event aside and goes on past it (`park`) or
 * stops at it (`halt`) until an operator retries or skips it (`consumer.parked`). Parked and halted events are
 * kept in the database with their error, and `status()` shows them to every process.
 */
export interface ConsumerFailurePolicy {
  /** Runs after the first failure before the policy acts (default 3). */
  readonly retries?: number;
  /** What to do with the event that keeps failing: set it aside and go on, or stop at it. */
  readonly action: 'park' | 'halt';
}

/** What the tracker says to do with a failed batch. */
export type FailureVerdict = 'retry' | 'set-aside';

/**
 * Counts the failures of the batch at one checkpoint, within one process. A batch of several
 * events that used up its retries is run again one event at a time up to where it ended, so that
 * only the event that fails is set aside.
 */
export class FailureTracker {
  readonly retries: number;
  private at: LogPosition | undefined;
  private failures = 0;
  /** While narrowing: run single events until the checkpoint reaches this position. */
  private narrowUntil: LogPosition | undefined;

  constructor(readonly policy: ConsumerFailurePolicy) {
    if (policy.action !== 'park' && policy.action !== 'halt') {
      throw new InvalidArgumentError(`onFailure.action must be 'park' or 'halt'; got ${JSON.stringify(policy.action)}`);
    }
    this.retries = policy.retries ?? 3;
    if (!Number.isSafeInteger(this.retries) || this.retries < 0) {
      throw new InvalidArgumentError('onFailure.retries must be an integer >= 0');
    }
  }

  get halts(): boolean {
    return this.policy.action === 'halt';
  }

  /** Failed runs of the current batch so far (for a pause that grows with them). */
  get attempts(): number {
    return this.failures;
  }

  /** How many events the batch at `checkpoint` may take. */
  batchLimit(checkpoint: LogPosition, batchSize: number): number {
    if (this.narrowUntil && compareLogPositions(checkpoint, this.narrowUntil) < 0) return 1;
    this.narrowUntil = undefined;
    return batchSize;
  }

  succeeded(): void {
    this.at = undefined;
    this.failures = 0;
  }

  failed(checkpoint: LogPosition, page: LogPage): FailureVerdict {
    if (!this.at || compareLogPositions(this.at, checkpoint) !== 0) {
      this.at = checkpoint;
      this.failures = 0;
    }
    this.failures += 1;
    if (this.failures <= this.retries) return 'retry';
    if (page.events.length > 1) {
      this.narrowUntil = page.next;
      this.failures = 0;
      return 'retry';
    }
    return 'set-aside';
  }
}
