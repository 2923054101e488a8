import {
  type AppendConditionToCheck,
  type AppendOutcome,
  type AppendRequest,
  type EventToStore,
  type ExpectedVersion,
  type ListCategoriesQuery,
  type ListStreamsQuery,
  LOG_START,
  type LogFilter,
  type LogPosition,
  type ReadStreamQuery,
  type StoredEvent,
  validateExpectedVersion,
} from '../backend/index.js';
import { type AppendCondition, normalizeQuery } from '../dcb/query.js';
import { sortTags, validateTags } from '../dcb/tags.js';
import {
  DuplicateEventIdError,
  EventValidationError,
  InvalidArgumentError,
  InvalidTagError,
  PayloadTooLargeError,
} from '../errors/index.js';
import type { AnyEventDefinition, DomainEvent } from '../events/defineEvent.js';
import type { EventMetadata } from '../events/metadata.js';
import type { EventRegistry } from '../events/registry.js';
import { isUuid, uuidv7 } from '../ids/uuid.js';
import type { OpenedEvent, PersonalData, SealPlan } from '../personal/personalData.js';
import { byteLength, deserialize, serialize } from '../serialization/index.js';
import {
  STREAM_LIMITS,
  type StreamKey,
  type StreamName,
  toStreamKey,
  validateCategory,
  validateTenant,
} from '../streams/index.js';
import { isWellFormed } from '../util/unicode.js';
import type { StoreLimits } from './limits.js';
import type {
  AppendOptions,
  ListCategoriesOptions,
  ListStreamsOptions,
  ReadAllOptions,
  ReadStreamOptions,
} from './options.js';
import type { RecordedEvent, UnknownRecordedEvent } from './recordedEvent.js';

/** An append's arguments checked, before any event is: its events as a list, its expected version. */
export function checkAppend(
  events: DomainEvent | readonly DomainEvent[],
  options: AppendOptions,
  limits: StoreLimits,
): { readonly list: readonly DomainEvent[]; readonly expectedVersion: ExpectedVersion } {
  if (options === null || typeof options !== 'object' || !('expectedVersion' in options)) {
    throw new InvalidArgumentError('append needs { expectedVersion }');
  }
  const expectedVersion = validateExpectedVersion(options.expectedVersion);
  const list = Array.isArray(events) ? (events as readonly DomainEvent[]) : [events as DomainEvent];
  if (list.length === 0) throw new InvalidArgumentError('append needs at least one event');
  if (list.length > limits.maxEventsPerAppend) {
    throw new InvalidArgumentError(
      `append takes at most ${limits.maxEventsPerAppend} events at once; got ${list.length}`,
    );
  }
  if (options.metadata !== undefined && !isPlainObject(options.metadata)) {
    throw new EventValidationError(
      list[0]?.type ?? '',
      [{ path: [], message: 'append metadata must be a plain object' }],
      'metadata',
    );
  }
  return { list, expectedVersion };
}

/**
 * The category of the streams that hold the events appended with no stream (`store.append(events)`),
 * one stream per append: reserved, as no caller's category may start with `$`.
 */
export const DCB_CATEGORY = '$dcb';

/**
 * A stream to read or delete: a caller's stream, or one of the streams that hold events appended
 * with no stream (`$dcb`, which no caller may append to by name).
 */
export function readableStreamKey(stream: StreamName, tenant: string): StreamKey {
  if (stream !== null && typeof stream === 'object' && stream.category === DCB_CATEGORY) {
    // Its id is checked as any stream's.
    const { id } = toStreamKey({ category: 'dcb', id: stream.id }, tenant);
    return { tenant, category: DCB_CATEGORY, id };
  }
  return toStreamKey(stream, tenant);
}

/** An append's DCB condition checked and scoped to `tenant`; undefined when it has none. */
export function checkCondition(
  options: { readonly condition?: AppendCondition },
  tenant: string,
): AppendConditionToCheck | undefined {
  const { condition } = options;
  if (condition === undefined) return undefined;
  if (condition === null || typeof condition !== 'object' || !('failIfEventsMatch' in condition)) {
    throw new InvalidArgumentError('an append condition is { failIfEventsMatch: query, after? }');
  }
  const query = normalizeQuery(condition.failIfEventsMatch, tenant);
  if (condition.after === undefined) return { query };
  const { after } = readLogWindow({ after: condition.after });
  return { query, after };
}

/** Refuses an append that gives two of its events one id. */
export function refuseDuplicateIds(prepared: readonly EventToStore[]): void {
  const ids = new Set<string>();
  for (const event of prepared) {
    if (ids.has(event.eventId)) throw new DuplicateEventIdError([event.eventId]);
    ids.add(event.eventId);
  }
}

/** An event ready to store; one with personal values to seal says what (its `data` is then plain, for the caller's copy). */
export interface PreparedEvent extends EventToStore {
  readonly seal?: SealPlan;
}

/** Validates one event to append and turns it into what the backend stores; throws before anything is written. */
export function prepareEvent(
  event: DomainEvent,
  context: {
    readonly registry: EventRegistry;
    readonly limits: StoreLimits;
    readonly outbox: boolean | ((event: DomainEvent, stream: StreamKey) => boolean) | undefined;
    readonly stream: StreamKey;
    readonly shared: EventMetadata | undefined;
    /** The telemetry's metadata (the append's trace context): stored over the caller's. */
    readonly trace: EventMetadata | undefined;
    readonly personal: PersonalData | undefined;
  },
): PreparedEvent {
  const { registry, limits, stream, shared } = context;
  if (event === null || typeof event !== 'object' || typeof event.type !== 'string') {
    throw new InvalidArgumentError('an event is { type, data }');
  }
  const { definition, data } = registry.validate(event);
  if (event.id !== undefined && !isUuid(event.id)) {
    throw new InvalidArgumentError(`event id must be a uuid; got ${JSON.stringify(event.id)}`);
  }
  // Stored lower-case on every dialect (PostgreSQL's uuid type prints it so), and returned as stored.
  const eventId = event.id?.toLowerCase() ?? uuidv7();
  if (event.metadata !== undefined && !isPlainObject(event.metadata)) {
    throw new EventValidationError(event.type, [{ path: [], message: 'metadata must be a plain object' }], 'metadata');
  }
  const metadata = { ...shared, ...event.metadata, ...context.trace };
  const dataJson = serialize(data, `data of '${event.type}'`);
  const seal = definition.personal && context.personal?.planEvent(event.type, definition.personal, data);
  context.personal?.refuseLookalikes(event.type, dataJson, seal);
  // The limit is on the data as stored: with its personal values encrypted.
  const dataBytes = byteLength(seal ? seal.sized : dataJson);
  if (dataBytes > limits.maxEventBytes) {
    throw new PayloadTooLargeError(`data of '${event.type}'`, dataBytes, limits.maxEventBytes);
  }
  const metadataJson = serialize(metadata, `metadata of '${event.type}'`);
  const metadataBytes = byteLength(metadataJson);
  if (metadataBytes > limits.maxMetadataBytes) {
    throw new PayloadTooLargeError(`metadata of '${event.type}'`, metadataBytes, limits.maxMetadataBytes);
  }
  const { outbox } = context;
  return {
    eventId,
    type: event.type,
    schemaVersion: definition.schemaVersion,
    data: dataJson,
    metadata: metadataJson,
    outbox: typeof outbox === 'function' ? outbox(event, stream) : outbox === true,
    tags: eventTags(event, definition, data),
    ...(seal && { seal }),
  };
}

/** What a type's `tags` function returns for `data`; one that throws is the event's bad input. */
function declaredTags(type: string, tags: (data: unknown) => readonly string[], data: unknown): unknown {
  try {
    return tags(data);
  } catch (error) {
    throw new InvalidTagError(
      type,
      undefined,
      `its type's tags function threw: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}

/** The tags its type declares for the data, and the event's own, each list checked. */
function eventTags(event: DomainEvent, definition: AnyEventDefinition, data: unknown): readonly string[] {
  const declared = definition.tags
    ? validateTags(event.type, declaredTags(event.type, definition.tags, data), true)
    : [];
  const own = event.tags === undefined ? [] : validateTags(event.type, event.tags, true);
  if (declared.length === 0 && own.length === 0) return [];
  const tags = sortTags(new Set([...declared, ...own]));
  return validateTags(event.type, tags, true);
}

/** An object literal (or `Object.create(null)`): not an array, a string, a Date or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Every dialect stores years 1 to 9999; a clock's other answers would come back as driver text. */
export function storableTime(time: unknown): Date {
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) {
    throw new InvalidArgumentError(`the store's clock must return a valid Date; got ${String(time)}`);
  }
  const year = time.getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw new InvalidArgumentError(`the store's clock returned ${time.toISOString()}: years 1 to 9999 can be stored`);
  }
  return time;
}

/**
 * A stored event as readers get it: data revived and lifted to the current schema version; one
 * whose type `registry` does not know throws, or with `raw` comes back as stored.
 */
export function reviveEvent(
  registry: EventRegistry,
  event: OpenedEvent,
  unknownTypes: 'throw' | 'raw' | undefined,
): RecordedEvent | UnknownRecordedEvent {
  if (unknownTypes !== undefined && unknownTypes !== 'throw' && unknownTypes !== 'raw') {
    throw new InvalidArgumentError(`unknownTypes must be 'throw' or 'raw'; got ${JSON.stringify(unknownTypes)}`);
  }
  const data = event.opened ? event.opened.data : deserialize(event.data);
  if (unknownTypes === 'raw' && !registry.has(event.type)) {
    return { ...recorded(event, data), unknownType: true };
  }
  return recorded(event, registry.upcast(event.type, event.schemaVersion, data));
}

/** A stored event with its personal values left encrypted (envelopes in its data): not upcast, as no schema takes them. */
export function reviveSealed(event: StoredEvent): RecordedEvent {
  return recorded(event, deserialize(event.data));
}

function recorded(event: OpenedEvent, data: unknown): RecordedEvent {
  const recorded: { -readonly [K in keyof RecordedEvent]: RecordedEvent[K] } = {
    id: event.eventId,
    type: event.type,
    data,
    metadata: (deserialize(event.metadata) ?? {}) as EventMetadata,
    stream: event.stream,
    version: event.version,
    position: event.position,
    transactionId: event.transactionId,
    storedSchemaVersion: event.schemaVersion,
    recordedAt: event.recordedAt,
    tags: event.tags,
  };
  const erased = event.opened?.erased;
  if (erased && erased.length > 0) recorded.erased = erased;
  return recorded;
}

/** A stream read's options, checked, as the backend's query. */
export function readStreamQuery(stream: StreamKey, options: ReadStreamOptions): ReadStreamQuery {
  const direction = options.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new InvalidArgumentError(`direction must be 'forwards' or 'backwards'`);
  }
  const { fromVersion, toVersion, limit } = options;
  for (const [name, value] of Object.entries({ fromVersion, toVersion, limit })) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new InvalidArgumentError(`${name} must be an integer >= 0`);
    }
  }
  return {
    stream,
    direction,
    ...(fromVersion !== undefined && { fromVersion }),
    ...(toVersion !== undefined && { toVersion }),
    ...(limit !== undefined && { limit }),
  };
}

/** Where a log read starts and how much it takes (default: the start, 1,000), checked. */
export function readLogWindow(options: ReadAllOptions): { after: LogPosition; limit: number } {
  const limit = options.limit ?? 1000;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgumentError('limit must be an integer >= 1');
  const after = options.after ?? LOG_START;
  if (typeof after.position !== 'bigint' || typeof after.transactionId !== 'bigint') {
    throw new InvalidArgumentError('after must be a LogPosition { transactionId: bigint, position: bigint }');
  }
  return { after, limit };
}

/** The recorded events of an append, from what was asked and what the backend answered. */
export function recordAppended(request: AppendRequest, outcome: AppendOutcome): RecordedEvent[] {
  const first = outcome.version - request.events.length + 1;
  return request.events.map((event, index) => ({
    id: event.eventId,
    type: event.type,
    data: deserialize(event.data),
    metadata: deserialize(event.metadata) as EventMetadata,
    stream: request.stream,
    version: first + index,
    position: outcome.positions[index] as bigint,
    transactionId: outcome.transactionId,
    storedSchemaVersion: event.schemaVersion,
    recordedAt: request.recordedAt,
    tags: event.tags,
  }));
}

/** A log filter for `tenant` (none with `allTenants`); empty lists are refused, not guessed at. */
export function logFilterOf(
  options: Pick<ReadAllOptions, 'categories' | 'types' | 'allTenants'>,
  tenant: string,
): LogFilter {
  // An empty list would read as "none" to some and "no filter" to others.
  for (const [name, list] of [
    ['categories', options.categories],
    ['types', options.types],
  ] as const) {
    if (list !== undefined && (!Array.isArray(list) || list.length === 0)) {
      throw new InvalidArgumentError(`${name} must be a list of at least one; leave it out to read them all`);
    }
  }
  options.categories?.forEach(validateCategory);
  return {
    ...(!options.allTenants && { tenant }),
    ...(options.categories && { categories: options.categories }),
    ...(options.types && { types: options.types }),
  };
}

const positiveInteger = (name: string, value: number) => {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1`);
  return value;
};

/** A stream listing's options, checked, as the backend's query: `tenant`'s streams unless `allTenants`. */
export function listStreamsQuery(options: ListStreamsOptions, tenant: string): ListStreamsQuery {
  const { category, after, idPrefix, limit = 100 } = options;
  // A lone surrogate would fail only in the driver.
  if (
    idPrefix !== undefined &&
    (typeof idPrefix !== 'string' || idPrefix.length > STREAM_LIMITS.id || !isWellFormed(idPrefix))
  ) {
    throw new InvalidArgumentError(`idPrefix must be well-formed text of at most ${STREAM_LIMITS.id} characters`);
  }
  return {
    limit: positiveInteger('limit', limit),
    ...(!options.allTenants && { tenant }),
    ...(category !== undefined && { category: validateCategory(category) }),
    ...(after !== undefined && { after: toStreamKey(after, validateTenant(after.tenant)) }),
    // An empty prefix is every id.
    ...(idPrefix && { idPrefix }),
  };
}

/** A category listing's options, checked, as the backend's query. */
export function listCategoriesQuery(options: ListCategoriesOptions, tenant: string): ListCategoriesQuery {
  const { after, limit = 100, countUpTo = 1000 } = options;
  return {
    limit: positiveInteger('limit', limit),
    countUpTo: positiveInteger('countUpTo', countUpTo),
    ...(!options.allTenants && { tenant }),
    ...(after !== undefined && {
      after: { tenant: validateTenant(after.tenant), category: validateCategory(after.category) },
    }),
  };
}
