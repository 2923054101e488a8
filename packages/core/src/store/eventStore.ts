import type {
  AppendConditionToCheck,
  AppendOutcome,
  BackendSession,
  EventStoreBackend,
  EventToStore,
  ExpectedVersion,
  LogFilter,
  SessionOptions,
  StoredEvent,
} from '../backend/index.js';
import { normalizeQuery, type Query, type QueryEventTypes } from '../dcb/query.js';
import { InvalidArgumentError, PayloadTooLargeError, ReadHeldBackError } from '../errors/index.js';
import type { AnyEventDefinition, DomainEvent, EventInputOf, EventTypeOf } from '../events/defineEvent.js';
import type { EventMetadata } from '../events/metadata.js';
import { EventRegistry } from '../events/registry.js';
import { isUuid, uuidv7 } from '../ids/uuid.js';
import {
  type ImportContext,
  type ImportOptions,
  type ImportResult,
  type ImportSource,
  importEvents,
} from '../import/importEvents.js';
import type { PersonalField } from '../personal/personal.js';
import {
  checkSubject,
  holdsEnvelopes,
  type OpenedEvent,
  type PendingKeys,
  PersonalData,
} from '../personal/personalData.js';
import { byteLength, deserialize, serialize } from '../serialization/index.js';
import {
  DEFAULT_TENANT,
  formatStreamKey,
  type StreamKey,
  type StreamName,
  toStreamKey,
  validateTenant,
} from '../streams/index.js';
import { NO_TELEMETRY, type StoreTelemetry } from '../telemetry/telemetry.js';
import { readPastHeldBack, waitLimit } from '../util/heldBack.js';
import {
  checkAppend,
  checkCondition,
  DCB_CATEGORY,
  listCategoriesQuery,
  listStreamsQuery,
  logFilterOf,
  type PreparedEvent,
  prepareEvent,
  readableStreamKey,
  readLogWindow,
  readStreamQuery,
  recordAppended,
  refuseDuplicateIds,
  reviveEvent,
  reviveSealed,
  storableTime,
} from './input.js';
import { DEFAULT_LIMITS, type StoreLimits } from './limits.js';
import type {
  AppendEventsOptions,
  AppendEventsResult,
  AppendOptions,
  AppendResult,
  EventStoreOptions,
  ListCategoriesOptions,
  ListCategoriesResult,
  ListStreamsOptions,
  ListStreamsResult,
  ReadAllOptions,
  ReadAllResult,
  ReadEventOptions,
  ReadQueryOptions,
  ReadStreamOptions,
  Snapshot,
  SnapshotPersonalFields,
} from './options.js';
import type { ReadEventOf, RecordedEventOf, UnknownRecordedEvent } from './recordedEvent.js';
import { StoreTransactions, type TransactionScope } from './transactions.js';

interface Scope<THandle> extends TransactionScope<THandle> {
  readonly tenant: string;
  /** Named by the caller (`tenant` in the options, or `forTenant`) rather than the default. */
  readonly tenantScoped: boolean;
}

/** What a store and the stores derived from it share. */
interface Shared {
  readonly registry: EventRegistry;
  readonly telemetry: StoreTelemetry;
  readonly personal: PersonalData | undefined;
}

/**
 * The event store. Every operation validates its input before touching the backend, runs in
 * one transaction (its own, or the host's via `withTransaction(handle)`), and returns events
 * with data revived and upcast to the current schema versions.
 */
export class EventStore<TEvents extends AnyEventDefinition = AnyEventDefinition, THandle = never> {
  readonly tenant: string;
  private readonly registry: EventRegistry;
  /** @internal The hooks of the store's `telemetry` (its consumers and relays use them too). */
  readonly telemetry: StoreTelemetry;
  private readonly limits: StoreLimits;
  private readonly transactions: StoreTransactions<THandle>;
  private readonly personal: PersonalData | undefined;

  constructor(
    private readonly options: EventStoreOptions<TEvents, THandle>,
    private readonly scope: Scope<THandle> = {
      tenant: validateTenant(options.tenant ?? DEFAULT_TENANT),
      tenantScoped: options.tenant !== undefined,
    },
    shared?: Shared,
  ) {
    this.tenant = scope.tenant;
    this.registry = shared?.registry ?? new EventRegistry(options.events);
    this.telemetry = shared?.telemetry ?? options.telemetry?.instrument({ backend: options.backend }) ?? NO_TELEMETRY;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.personal = shared ? shared.personal : personalDataOf(options, this.registry);
    this.transactions = new StoreTransactions(options.backend, options, scope);
  }

  /** Whether the store was given its tenant (`tenant` option or `forTenant`): relays made from it
   * work on that tenant's outbox rows only. */
  get isTenantScoped(): boolean {
    return this.scope.tenantScoped;
  }

  get backend(): EventStoreBackend<THandle> {
    return this.options.backend;
  }

  /**
   * The personal fields the store's definition of `type` declares (field name -> subject field and
   * erased value); undefined when it declares none or the store was not given the type. For tools
   * that show events: the event browser masks these fields.
   */
  personalFields(type: string): Readonly<Record<string, PersonalField>> | undefined {
    return this.registry.personalFields(type);
  }

  /** The same store scoped to another tenant: it reads and writes only that tenant's streams. */
  forTenant(tenant: string): EventStore<TEvents, THandle> {
    return this.derive({ ...this.scope, tenant: validateTenant(tenant), tenantScoped: true });
  }

  /**
   * The same store joined to the host's open transaction: nothing here commits or rolls it back.
   * It wins over an ambient transaction (`transactionContext`, `atomic`).
   */
  withTransaction(handle: THandle): EventStore<TEvents, THandle> {
    if (handle === undefined || handle === null) throw new InvalidArgumentError('withTransaction needs a handle');
    return this.derive({ tenant: this.scope.tenant, tenantScoped: this.scope.tenantScoped, handle });
  }

  /**
   * Runs `work` with a store whose operations all share one transaction (the host's when this
   * store is joined to one): commits when `work` resolves, rolls back when it throws.
   */
  async transaction<T>(work: (store: EventStore<TEvents, THandle>) => Promise<T>): Promise<T> {
    if (this.scope.session) return work(this);
    return this.transactions.write((session) => work(this.derive({ ...this.scope, session })));
  }

  /**
   * Runs `work` in a transaction every store call inside joins without a handle, as the store's
   * own ambient scope (for hosts whose ORM keeps none): appends, reads and the ORM writes made
   * through `handle` commit together when `work` resolves and roll back when it throws. Inside
   * a transaction already (an explicit, ambient or outer `atomic` one), `work` joins it.
   */
  atomic<T>(work: (handle: THandle) => Promise<T>): Promise<T> {
    return this.transactions.atomic(work);
  }

  /**
   * Appends events of no stream of the caller's (dynamic consistency boundaries): unless an event
   * matching `condition.failIfEventsMatch` exists after `condition.after`, else an
   * `AppendConditionFailedError` and nothing written. The events are stored as one stream of
   * their own in the reserved category `$dcb` (the events table keys every event by stream).
   */
  append(
    events: EventInputOf<TEvents> | readonly EventInputOf<TEvents>[],
    options?: AppendEventsOptions<EventTypeOf<TEvents>>,
  ): Promise<AppendEventsResult<TEvents>>;
  // The stream overload is declared last: `Parameters<EventStore['append']>` (what applications
  // write to pass an append's events around) sees it, as before streamless appends existed.
  /** Appends to a stream under an expected version (and a DCB condition, when given). */
  append(
    stream: StreamName,
    events: EventInputOf<TEvents> | readonly EventInputOf<TEvents>[],
    options: AppendOptions<EventTypeOf<TEvents>>,
  ): Promise<AppendResult<TEvents>>;
  async append(
    first: StreamName | EventInputOf<TEvents> | readonly EventInputOf<TEvents>[],
    second?: EventInputOf<TEvents> | readonly EventInputOf<TEvents>[] | AppendEventsOptions,
    third?: AppendOptions,
  ): Promise<AppendResult<TEvents> | AppendEventsResult<TEvents>> {
    const streamless = Array.isArray(first) || (first !== null && typeof first === 'object' && 'type' in first);
    const stream: StreamName = streamless ? { category: DCB_CATEGORY, id: uuidv7() } : (first as StreamName);
    const key = streamless ? { ...stream, tenant: this.scope.tenant } : toStreamKey(stream, this.scope.tenant);
    const events = (streamless ? first : second) as DomainEvent | readonly DomainEvent[];
    const options = (
      streamless ? { ...(second as AppendEventsOptions | undefined), expectedVersion: 'no_stream' } : third
    ) as AppendOptions;
    const { list, expectedVersion } = checkAppend(events, options, this.limits);
    const condition = checkCondition(options, this.scope.tenant);
    const operation = { stream: key, events: list.length, expectedVersion };
    const result = await this.telemetry.append(operation, (trace) =>
      this.appendChecked(key, list, expectedVersion, condition, options.metadata, trace),
    );
    return streamless ? { lastPosition: result.lastPosition, events: result.events } : result;
  }

  /**
   * The events matching `query` (dynamic consistency boundaries), in log order, never skipping one
   * that commits late: `next` continues the read, and is the `after` of an append condition over
   * what was read (every matching event not returned lies after it). Every matching event
   * committed before the read is returned (on PostgreSQL it waits for older open transactions
   * that hold one back: `maxWaitMs`).
   */
  async read<const Q extends Query<EventTypeOf<TEvents>>, O extends ReadQueryOptions = {}>(
    query: Q,
    options?: O,
  ): Promise<ReadAllResult<TEvents, ReadEventOf<Extract<TEvents, { readonly type: QueryEventTypes<Q> }>, O>>>;
  async read(
    query: Query,
    options: ReadQueryOptions = {},
  ): Promise<ReadAllResult<TEvents, RecordedEventOf<TEvents> | UnknownRecordedEvent>> {
    const normalized = normalizeQuery(query, this.scope.tenant);
    const { after, limit } = readLogWindow(options);
    const maxWaitMs = waitLimit(options.maxWaitMs, 10_000);
    return this.telemetry.readLog({ filter: { tenant: this.scope.tenant }, after, limit }, async () => {
      const { page, waited } = await readPastHeldBack(
        maxWaitMs,
        (page) => page.heldBack === true,
        () =>
          this.readOnly(async (session) => {
            const read = await session.readQuery({ query: normalized, after, limit });
            return read.heldBack ? read : { ...read, events: await this.openStored(read.events, session) };
          }),
      );
      // Matching events committed behind an older open transaction: a decision must not run without them.
      if (page.heldBack) throw new ReadHeldBackError(waited);
      return { events: page.events.map((event) => this.reviveAs(event, options.unknownTypes)), next: page.next };
    });
  }

  /** An append whose arguments are checked, with the telemetry's metadata for each event. */
  private async appendChecked(
    key: StreamKey,
    list: readonly DomainEvent[],
    expectedVersion: ExpectedVersion,
    condition: AppendConditionToCheck | undefined,
    shared: EventMetadata | undefined,
    trace: EventMetadata | undefined,
  ): Promise<AppendResult<TEvents>> {
    const { registry, limits, personal } = this;
    const prepared = list.map((event) =>
      prepareEvent(event, { registry, limits, outbox: this.options.outbox, stream: key, shared, trace, personal }),
    );
    refuseDuplicateIds(prepared);
    const sealing = prepared.some((event) => event.seal !== undefined);
    const request = {
      stream: key,
      expectedVersion,
      events: prepared,
      recordedAt: this.now(),
      callerEventIds: list.some((event) => event.id !== undefined),
      ...(condition && { condition }),
    };
    const record = (outcome: AppendOutcome) => recordAppended(request, outcome) as RecordedEventOf<TEvents>[];
    const projections = this.options.projections ?? [];
    const { appendAlone } = this.options.backend;
    // A condition is checked and the events inserted in one transaction, never as a lone statement;
    // personal values are sealed with keys read or made in the append's transaction.
    const alone =
      appendAlone &&
      !condition &&
      !sealing &&
      projections.length === 0 &&
      !this.scope.session &&
      !this.transactions.joined();
    const pending: PendingKeys = new Map();
    const outcome = alone
      ? await this.transactions.appendAlone(() => appendAlone.call(this.options.backend, request))
      : await this.write(
          async (session) =>
            session.append(
              sealing ? { ...request, events: await this.sealEvents(request.events, session, pending) } : request,
              projections.length === 0
                ? undefined
                : async (appended) => {
                    const context = {
                      transaction: session.handle as THandle,
                      store: this.derive({ ...this.scope, session }),
                    };
                    for (const projection of projections) await projection.handle(record(appended), context);
                  },
            ),
          () => this.personal?.committed(key.tenant, pending),
          { runsCallerCode: projections.length > 0 },
        );
    return {
      nextExpectedVersion: outcome.version,
      lastPosition: outcome.positions.at(-1) as bigint,
      events: record(outcome),
    };
  }

  /**
   * Imports history (from another store, a legacy system) in batches of many streams: each
   * stream's events validated as an append's and written under its expected version (default
   * `'no_stream'`), with stream rows, tags and outbox rows as appends write them, and positions
   * in the global log that consumers read as any others. Each batch is one transaction (inside a
   * host's transaction, one savepoint of it), all or nothing; a batch that fails leaves the
   * earlier ones written. See the README's "Importing history".
   */
  import(source: ImportSource<EventInputOf<TEvents>>, options?: ImportOptions): Promise<ImportResult> {
    return importEvents(this.importContext(), source as ImportSource, options);
  }

  private importContext(): ImportContext {
    const { registry, limits, personal } = this;
    const projections = this.options.projections ?? [];
    return {
      tenant: this.scope.tenant,
      prepare: (event, stream) =>
        prepareEvent(event, {
          registry,
          limits,
          outbox: this.options.outbox,
          stream,
          shared: undefined,
          trace: undefined,
          personal,
        }),
      now: () => this.now(),
      write: (work) => {
        const pending: PendingKeys = new Map();
        return this.write(
          (session) => work(session, (events) => this.sealEvents(events, session, pending)),
          () => this.personal?.committed(this.scope.tenant, pending),
        );
      },
      ...(projections.length > 0 && {
        project: async (session, request, outcomes) => {
          const context = {
            transaction: session.handle as THandle,
            store: this.derive({ ...this.scope, session: session as BackendSession<THandle> }),
          };
          const appended = request.streams.flatMap((stream, index) =>
            recordAppended(
              { ...stream, recordedAt: request.recordedAt, callerEventIds: request.callerEventIds },
              outcomes[index] as AppendOutcome,
            ),
          ) as RecordedEventOf<TEvents>[];
          for (const projection of projections) await projection.handle(appended, context);
        },
      }),
    };
  }

  async readStream<O extends ReadStreamOptions = {}>(
    stream: StreamName,
    options?: O,
  ): Promise<ReadEventOf<TEvents, O>[]>;
  async readStream(
    stream: StreamName,
    options: ReadStreamOptions = {},
  ): Promise<(RecordedEventOf<TEvents> | UnknownRecordedEvent)[]> {
    const query = readStreamQuery(readableStreamKey(stream, this.scope.tenant), options);
    return this.telemetry.readStream(query.stream, async () => {
      const stored = await this.readOnly(async (session) => this.openStored(await session.readStream(query), session));
      return stored.map((event) => this.reviveAs(event, options.unknownTypes));
    });
  }

  /** The events to store: each one's personal values sealed with its subject's current key. */
  private async sealEvents(
    events: readonly PreparedEvent[],
    session: BackendSession<THandle>,
    pending: PendingKeys,
  ): Promise<EventToStore[]> {
    const sealed: EventToStore[] = [];
    for (const { seal, ...event } of events) {
      sealed.push(
        seal && this.personal
          ? { ...event, data: await this.personal.seal(seal, this.scope.tenant, session, pending) }
          : event,
      );
    }
    return sealed;
  }

  /**
   * Forgets a data subject (crypto-shredding): deletes its keys in this tenant, in this store's
   * transaction, so every personal value sealed for it reads as its `erased` value from then on.
   */
  async forget(subject: string): Promise<{ keysDeleted: number }> {
    const personal = this.requirePersonalData('forget');
    const checked = checkSubject(subject);
    const { tenant } = this.scope;
    const keysDeleted = await this.write(
      (session) => personal.forget(tenant, checked, session),
      () => personal.dropCached(tenant, checked),
    );
    return { keysDeleted };
  }

  /** Adds a new version of a subject's data key: new values are sealed with it, older ones stay readable. */
  async rotateKey(subject: string): Promise<{ keyId: string; version: number }> {
    const personal = this.requirePersonalData('rotateKey');
    const checked = checkSubject(subject);
    const { tenant } = this.scope;
    const key = await this.write(
      (session) => personal.rotateKey(tenant, checked, session),
      () => personal.dropCached(tenant, checked),
    );
    return { keyId: key.id, version: key.version };
  }

  private requirePersonalData(operation: string): PersonalData {
    if (!this.personal) throw new InvalidArgumentError(`${operation} needs the store's personalData option`);
    return this.personal;
  }

  /** @internal Stored events with their personal values opened (masked where the key is gone), keys looked up in `session`. */
  async openStored<T extends StoredEvent>(
    events: readonly T[],
    session?: BackendSession<THandle>,
  ): Promise<(T & OpenedEvent)[]> {
    const { personal } = this;
    if (!personal) return events as (T & OpenedEvent)[];
    const open = (inSession: BackendSession<THandle>) =>
      personal.openEvents(events, inSession, (type, field) => this.registry.erasedValue(type, field));
    return session ? open(session) : this.readOnly(open);
  }

  async streamVersion(stream: StreamName): Promise<number> {
    const key = readableStreamKey(stream, this.scope.tenant);
    return this.readOnly((session) => session.streamVersion(key));
  }

  /**
   * Deletes the stream's events, their tags and the snapshot for good (for erasure requests); an
   * event appended with no stream is deleted by its `event.stream` (category `$dcb`).
   */
  async deleteStream(stream: StreamName): Promise<boolean> {
    const key = readableStreamKey(stream, this.scope.tenant);
    return this.write((session) => session.deleteStream(key));
  }

  /** Reads the global log in order, never skipping an event committed late (each dialect says how beside its SQL, in sql/statements/log.ts). */
  async readAll<O extends ReadAllOptions = {}>(options?: O): Promise<ReadAllResult<TEvents, ReadEventOf<TEvents, O>>>;
  async readAll(
    options: ReadAllOptions = {},
  ): Promise<ReadAllResult<TEvents, RecordedEventOf<TEvents> | UnknownRecordedEvent>> {
    const { after, limit } = readLogWindow(options);
    const filter = this.logFilter(options);
    const maxWaitMs = waitLimit(options.maxWaitMs, 100);
    return this.telemetry.readLog({ filter, after, limit }, async () => {
      const { page } = await readPastHeldBack(
        maxWaitMs,
        (page) => page.heldBack === true && page.events.length < limit,
        () =>
          this.readOnly(async (session) => {
            const read = await session.readLog({ after, limit, filter });
            return { ...read, events: await this.openStored(read.events, session) };
          }),
      );
      return {
        events: page.events.map((event) => this.reviveAs(event, options.unknownTypes)),
        next: page.next,
        ...(page.heldBack && { heldBack: true }),
      };
    });
  }

  /** Streams and their versions: this store's tenant's, or every tenant's with `allTenants`. */
  async listStreams(options: ListStreamsOptions = {}): Promise<ListStreamsResult> {
    const query = listStreamsQuery(options, this.scope.tenant);
    const streams = await this.readOnly((session) => session.listStreams(query));
    return { streams, next: streams.length === query.limit ? streams.at(-1)?.stream : undefined };
  }

  /** Categories that have streams, with their stream counts (each up to `countUpTo`). */
  async listCategories(options: ListCategoriesOptions = {}): Promise<ListCategoriesResult> {
    const query = listCategoriesQuery(options, this.scope.tenant);
    const categories = await this.readOnly((session) => session.listCategories(query));
    const last = categories.at(-1);
    return {
      categories,
      next: last && categories.length === query.limit ? { tenant: last.tenant, category: last.category } : undefined,
    };
  }

  /** The event with this id: this store's tenant's, or any tenant's with `allTenants`. */
  async readEvent<O extends ReadEventOptions = {}>(
    eventId: string,
    options?: O,
  ): Promise<ReadEventOf<TEvents, O> | undefined>;
  async readEvent(
    eventId: string,
    options: ReadEventOptions = {},
  ): Promise<RecordedEventOf<TEvents> | UnknownRecordedEvent | undefined> {
    if (!isUuid(eventId)) throw new InvalidArgumentError(`event id must be a uuid; got ${JSON.stringify(eventId)}`);
    const stored = await this.readOnly(async (session) => {
      const found = await session.readEvent(eventId.toLowerCase());
      if (!found || (!options.allTenants && found.stream.tenant !== this.scope.tenant)) return undefined;
      return (await this.openStored([found], session))[0];
    });
    return stored && this.reviveAs(stored, options.unknownTypes);
  }

  /**
   * Keeps a stream's snapshot. `personal` names the state's personal fields and their subject:
   * they are stored encrypted as events' are, and read as their erased values once it is forgotten.
   */
  async saveSnapshot<TState = unknown>(
    stream: StreamName,
    snapshot: { version: number; state: TState; schemaVersion?: number },
    options: { readonly personal?: SnapshotPersonalFields<TState> } = {},
  ) {
    const key = toStreamKey(stream, this.scope.tenant);
    if (!Number.isSafeInteger(snapshot.version) || snapshot.version < 1) {
      throw new InvalidArgumentError('snapshot version must be an integer >= 1');
    }
    const seal = options.personal && this.planSnapshot(snapshot.state, options.personal);
    const plain = seal ? undefined : serialize(snapshot.state, 'snapshot state');
    const bytes = byteLength(seal ? seal.sized : (plain as string));
    if (bytes > this.limits.maxSnapshotBytes) {
      throw new PayloadTooLargeError('snapshot state', bytes, this.limits.maxSnapshotBytes);
    }
    const takenAt = this.now();
    const pending: PendingKeys = new Map();
    await this.write(
      async (session) => {
        // Appends only raise a stream's version, so a check in the same transaction stays true.
        const current = await session.streamVersion(key);
        if (snapshot.version > current) {
          throw new InvalidArgumentError(
            `snapshot version ${snapshot.version} is beyond the stream's version ${current} (${formatStreamKey(key)})`,
          );
        }
        const state = seal && this.personal ? await this.personal.seal(seal, key.tenant, session, pending) : plain;
        await session.saveSnapshot({
          stream: key,
          version: snapshot.version,
          schemaVersion: snapshot.schemaVersion ?? 1,
          state: state as string,
          takenAt,
        });
      },
      () => this.personal?.committed(key.tenant, pending),
    );
  }

  private planSnapshot<TState>(state: TState, personal: SnapshotPersonalFields<TState>) {
    const data = this.requirePersonalData('a snapshot with personal fields');
    if (personal === null || typeof personal !== 'object' || typeof personal.subject !== 'function') {
      throw new InvalidArgumentError(
        'snapshot personal fields are { subject: (state) => string, fields: { field: erased } }',
      );
    }
    return data.planState(state, Object.keys(personal.fields ?? {}), personal.subject as (state: unknown) => string);
  }

  /**
   * The stream's snapshot, its personal values opened; those of a forgotten subject read as the
   * erased values `personal.fields` declares (null for a field it does not), listed in `erased`.
   */
  async loadSnapshot<TState = unknown>(
    stream: StreamName,
    options: { readonly personal?: SnapshotPersonalFields<TState> } = {},
  ): Promise<Snapshot<TState> | undefined> {
    const key = toStreamKey(stream, this.scope.tenant);
    const { personal } = this;
    const loaded = await this.readOnly(async (session) => {
      const stored = await session.loadSnapshot(key);
      const opened =
        stored && personal
          ? await personal.openState(stored.state, key.tenant, session, options.personal?.fields ?? {})
          : undefined;
      return stored && { stored, opened };
    });
    if (!loaded) return undefined;
    const { stored, opened } = loaded;
    return {
      version: stored.version,
      schemaVersion: stored.schemaVersion,
      state: (opened ? opened.data : deserialize(stored.state)) as TState,
      takenAt: stored.takenAt,
      ...(opened && opened.erased.length > 0 && { erased: opened.erased }),
    };
  }

  /** `raw`: an event of a type this store does not know comes back as stored instead of throwing. */
  private reviveAs(
    event: OpenedEvent,
    unknownTypes: 'throw' | 'raw' | undefined,
  ): RecordedEventOf<TEvents> | UnknownRecordedEvent {
    return reviveEvent(this.registry, event, unknownTypes) as RecordedEventOf<TEvents> | UnknownRecordedEvent;
  }

  /** @internal Runs `work` in this store's transaction (the enclosing, a joined or its own one); `onCommit` once it is known committed. */
  write<T>(
    work: (session: BackendSession<THandle>) => Promise<T>,
    onCommit?: () => void,
    options?: Pick<SessionOptions<THandle>, 'runsCallerCode'>,
  ): Promise<T> {
    return this.transactions.write(work, onCommit, options);
  }

  /** @internal Runs read-only `work` outside a transaction unless this store is in or joins one. */
  readOnly<T>(work: (session: BackendSession<THandle>) => Promise<T>): Promise<T> {
    return this.transactions.read(work);
  }

  /** @internal The same store on its own transactions whatever the caller's context: consumers' and relays'. */
  detached(): EventStore<TEvents, THandle> {
    return this.derive({ ...this.scope, detached: true });
  }

  /** The store's clock (the system clock unless the options give one), checked storable. */
  private now(): Date {
    return storableTime(this.options.clock ? this.options.clock() : new Date());
  }

  /** @internal Whether this store runs in a given transaction (the host's, or a session's). */
  get isBound(): boolean {
    return this.scope.session !== undefined || this.transactions.joined() !== undefined;
  }

  /** @internal The same store bound to `session`: consumers use it for their batch transaction. */
  withSession(session: BackendSession<THandle>): EventStore<TEvents, THandle> {
    return this.derive({ ...this.scope, session });
  }

  /** @internal Revives a stored event (consumers read the log through the session). */
  reviveStored(event: StoredEvent): RecordedEventOf<TEvents>;
  /** @internal With `raw`, an event of a type this store does not know comes back as stored. */
  reviveStored(event: StoredEvent, unknownTypes: 'throw' | 'raw'): RecordedEventOf<TEvents> | UnknownRecordedEvent;
  /** @internal */
  reviveStored(event: OpenedEvent, unknownTypes: 'throw' | 'raw' = 'throw') {
    return this.reviveAs(event, unknownTypes);
  }

  /** @internal An event whose personal values stay encrypted (the relay's `personalData: 'encrypted'`): as stored when it holds any. */
  reviveKeepingSealed(
    event: StoredEvent,
    unknownTypes: 'throw' | 'raw' = 'throw',
  ): RecordedEventOf<TEvents> | UnknownRecordedEvent {
    return this.personal && holdsEnvelopes(event.data)
      ? (reviveSealed(event) as RecordedEventOf<TEvents>)
      : this.reviveAs(event, unknownTypes);
  }

  /** @internal The log filter of this store's tenant scope. */
  logFilter(options: Pick<ReadAllOptions, 'categories' | 'types' | 'allTenants'>): LogFilter {
    return logFilterOf(options, this.scope.tenant);
  }

  private derive(scope: Scope<THandle>): EventStore<TEvents, THandle> {
    return new EventStore(this.options, scope, {
      registry: this.registry,
      telemetry: this.telemetry,
      personal: this.personal,
    });
  }
}

/** The store's personal data; refuses a store whose events declare personal fields but that has no keys for them. */
function personalDataOf(
  options: EventStoreOptions<AnyEventDefinition, unknown>,
  registry: EventRegistry,
): PersonalData | undefined {
  if (options.personalData === undefined) {
    if (registry.hasPersonalFields) {
      throw new InvalidArgumentError(
        'events declare personal fields: the store needs personalData ({ masterKeys } or { keyStore }) to encrypt them',
      );
    }
    return undefined;
  }
  return new PersonalData(options.personalData, options.clock);
}

export function createEventStore<TEvents extends AnyEventDefinition, THandle = never>(
  options: EventStoreOptions<TEvents, THandle>,
): EventStore<TEvents, THandle> {
  return new EventStore(options);
}
