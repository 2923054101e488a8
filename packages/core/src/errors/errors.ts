/**
 * Every error this library throws on purpose is an `EsError` with a stable `code`, so callers can
 * branch on `instanceof` or on `code` without parsing messages. Driver errors never leak from the
 * write path: they are classified (see `sql/errors.ts`) or wrapped.
 */
export abstract class EsError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input rejected before anything was written: the store is unchanged. */
export abstract class InvalidInputError extends EsError {}

export interface ValidationIssue {
  /** Path inside the payload, as zod reports it (`['items', 0, 'price']`). */
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
}

export class EventValidationError extends InvalidInputError {
  readonly code = 'EVENT_VALIDATION';

  constructor(
    readonly eventType: string,
    readonly issues: readonly ValidationIssue[],
    readonly target: 'data' | 'metadata' = 'data',
  ) {
    const detail = issues
      .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    super(`Invalid ${target} for event '${eventType}': ${detail}`);
  }
}

export class UnknownEventTypeError extends InvalidInputError {
  readonly code = 'UNKNOWN_EVENT_TYPE';

  constructor(
    readonly eventType: string,
    readonly known: readonly string[],
  ) {
    super(
      `Unknown event type '${eventType}'. Register it with the store (events: [...]); known types: ${known.join(', ') || '(none)'}`,
    );
  }
}

export class InvalidStreamError extends InvalidInputError {
  readonly code = 'INVALID_STREAM';

  constructor(
    readonly field: 'category' | 'id' | 'tenant',
    readonly value: unknown,
    reason: string,
  ) {
    super(`Invalid stream ${field} ${JSON.stringify(value)}: ${reason}`);
  }
}

export class InvalidArgumentError extends InvalidInputError {
  readonly code = 'INVALID_ARGUMENT';
}

export class PayloadTooLargeError extends InvalidInputError {
  readonly code = 'PAYLOAD_TOO_LARGE';

  constructor(
    readonly what: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${what} is ${bytes} bytes once serialized; the limit is ${limit} bytes`);
  }
}

export class SerializationError extends InvalidInputError {
  readonly code = 'SERIALIZATION';
}

/** A tag of an event or of a query that cannot be stored or matched (see `TAG_MAX_LENGTH`). */
export class InvalidTagError extends InvalidInputError {
  readonly code = 'INVALID_TAG';

  /** `owner`: the event type whose tags these are, or `query`. */
  constructor(
    readonly owner: string,
    readonly tag: unknown,
    reason: string,
  ) {
    super(`Invalid tag ${JSON.stringify(tag)} of ${owner === 'query' ? 'a query' : `event '${owner}'`}: ${reason}`);
  }
}

/**
 * An append condition failed: an event matching its query exists after the position it named
 * (dynamic consistency boundaries). Nothing was written; read again and decide again.
 */
export class AppendConditionFailedError extends EsError {
  readonly code = 'APPEND_CONDITION_FAILED';

  constructor(
    /** The query, as the condition's items (`(types A|B and tags x+y) or ...`). */
    readonly query: string,
    readonly after: { readonly transactionId: bigint; readonly position: bigint } | undefined,
  ) {
    super(
      `Append condition failed: an event matching ${query} exists ${after ? `after log position (${after.transactionId}, ${after.position})` : 'already'}`,
    );
  }
}

/**
 * A query read waited `waitedMs` for older open transactions (PostgreSQL) that hold back events
 * its query matches, committed after they began, and they are still open. Reading on without
 * them would decide on a state that misses committed events; read again once they end (`es
 * status` or `consumer.status()` names the oldest).
 */
export class ReadHeldBackError extends EsError {
  readonly code = 'READ_HELD_BACK';

  constructor(readonly waitedMs: number) {
    super(
      `A query read waited ${waitedMs} ms for older open transactions that hold back events it matches (PostgreSQL's log horizon); they are still open`,
    );
  }
}

/**
 * A conditional append joined a PostgreSQL transaction at REPEATABLE READ or SERIALIZABLE: its
 * check would read the transaction's old snapshot and miss events committed since, so it is
 * refused before anything is written. Run it in a READ COMMITTED transaction (the default).
 */
export class UnsupportedIsolationError extends EsError {
  readonly code = 'UNSUPPORTED_ISOLATION';

  constructor(readonly isolation: string) {
    super(
      `A conditional append needs READ COMMITTED on PostgreSQL (its check must see what committed while it waited for its locks); this transaction runs at ${isolation.toUpperCase()}`,
    );
  }
}

/** The expected version did not hold (or a concurrent writer won the same version). */
export class ConcurrencyError extends EsError {
  readonly code = 'CONCURRENCY';

  constructor(
    readonly stream: { readonly category: string; readonly id: string; readonly tenant: string },
    readonly expected: string | number,
    readonly actual: number,
  ) {
    super(
      `Concurrency conflict on stream ${stream.tenant}/${stream.category}/${stream.id}: expected version ${String(expected)}, actual ${actual}`,
    );
  }
}

/** An event id given by the caller is already stored (event ids are unique across the store). */
export class DuplicateEventIdError extends EsError {
  readonly code = 'DUPLICATE_EVENT_ID';

  constructor(readonly eventIds: readonly string[]) {
    super(`Event id already stored: ${eventIds.join(', ')}`);
  }
}

/** A stored event could not be lifted to the current schema version. */
export class UpcastError extends EsError {
  readonly code = 'UPCAST';

  constructor(
    readonly eventType: string,
    readonly fromVersion: number,
    readonly toVersion: number,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot upcast '${eventType}' from schema version ${fromVersion} to ${toVersion}: ${reason}`, options);
  }
}

/** The backend failed in a way that is not the caller's fault (connection lost, deadlock, ...). */
export class StoreError extends EsError {
  readonly code = 'STORE';
  /**
   * The database picked this transaction as a deadlock victim, failed it on a serialization
   * conflict, or timed out its lock wait: once the transaction is rolled back (the store's own
   * transactions are), running the same work again may succeed.
   */
  readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions & { readonly retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? false;
  }
}

/**
 * The store's tables differ from what its models define in a way that would lose or mix data (on
 * MySQL: name columns that fold case). Raised before the first statement of a backend runs.
 */
export class SchemaMismatchError extends EsError {
  readonly code = 'SCHEMA_MISMATCH';

  /** `fix`: the statements that bring the tables in line, to run as a migration. */
  constructor(
    message: string,
    readonly fix: readonly string[],
  ) {
    super(message);
  }
}

/**
 * `withTransaction(handle)` was given a transaction handle that is not open: its transaction has
 * committed, rolled back, or cannot run asynchronous work (Drizzle's synchronous SQLite
 * transactions). Raised before the store writes anything through it, so nothing can commit
 * outside the transaction the caller meant.
 */
/** A write outside any transaction, on a store configured with `requireTransaction: true`: nothing was written. */
export class TransactionRequiredError extends EsError {
  readonly code = 'TRANSACTION_REQUIRED';

  constructor() {
    super(
      'This store requires a transaction (requireTransaction: true) and none is open here: run the write inside your transaction (@Transactional(), store.atomic(...)) or pass its handle with store.withTransaction(handle)',
    );
  }
}

export class TransactionNotOpenError extends EsError {
  readonly code = 'TRANSACTION_NOT_OPEN';

  constructor(reason: string) {
    super(`The transaction handle given to withTransaction is not open: ${reason}`);
  }
}

/**
 * A personal field's ciphertext failed authentication although its data key exists: the stored
 * value was changed, or moved to another tenant, field or key.
 */
export class PersonalDataTamperedError extends EsError {
  readonly code = 'PERSONAL_DATA_TAMPERED';

  constructor(
    readonly field: string,
    readonly keyId: string,
    options?: ErrorOptions,
  ) {
    super(
      `The encrypted value of '${field}' (data key ${keyId}) fails authentication: it was altered or moved`,
      options,
    );
  }
}

/**
 * A data key cannot be unwrapped: the master key it names is not among `personalData.masterKeys`,
 * or the configured key of that id is not the one that wrapped it.
 */
export class MasterKeyError extends EsError {
  readonly code = 'MASTER_KEY_MISMATCH';

  constructor(
    readonly masterKeyId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot unwrap a data key with master key '${masterKeyId}': ${reason}`, options);
  }
}

/** A data subject (to forget or rotate, or named by an event's data) that is not a well-formed string of 1 to 200 characters. */
export class InvalidSubjectError extends InvalidInputError {
  readonly code = 'INVALID_SUBJECT';

  constructor(readonly subject: unknown) {
    super(`A data subject must be well-formed text of 1 to 200 characters; got ${describeSubject(subject)}`);
  }
}

function describeSubject(subject: unknown): string {
  if (typeof subject !== 'string') return typeof subject;
  return subject.length > 40
    ? `${JSON.stringify(subject.slice(0, 40))}... (${subject.length} characters)`
    : JSON.stringify(subject);
}
