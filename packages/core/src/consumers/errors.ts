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
