import type { z } from 'zod';
import { EventValidationError, InvalidArgumentError, type ValidationIssue } from '../errors/index.js';
import { declaredPersonalFields, type PersonalField } from '../personal/personal.js';
import type { EventMetadata } from './metadata.js';

/**
 * Lifts data stored at schema version `n` to version `n + 1`. It returns data valid for the next
 * version's schema input; the last step's result is validated by the current schema.
 */
// biome-ignore lint/suspicious/noExplicitAny: an older version's shape is whatever it was; the result is validated.
export type Upcaster = (data: any) => unknown;

// biome-ignore lint/suspicious/noExplicitAny: the data of any definition, when none is named.
export interface DefineEventOptions<TData = any> {
  /** The current schema version (default 1). Appends are stored at this version. */
  readonly version?: number;
  /** `{ 1: v1ToV2, 2: v2ToV3 }`: one step per older version, keyed by the version it lifts from. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
  /**
   * The tags every event of this type carries, computed from its (validated) data when it is
   * appended: `(data) => [\`course:${data.courseId}\`]`. An event's own `tags` are added to them.
   */
  readonly tags?: (data: TData) => readonly string[];
}

/** An event to append: what `definition.create(...)` returns, or a plain `{ type, data }` object. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
  /** A caller-chosen event id (uuid) makes the append idempotent-safe; generated when absent. */
  readonly id?: string;
  readonly metadata?: EventMetadata;
  /** Tags for dynamic consistency boundaries (`course:c1`), besides those its type declares. */
  readonly tags?: readonly string[];
}

/** What `create` takes besides the data. */
export interface CreateEventOptions {
  readonly id?: string;
  readonly metadata?: EventMetadata;
  readonly tags?: readonly string[];
}

const validated: unique symbol = Symbol('es.validated');

export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly type: TType;
  readonly schema: TSchema;
  readonly schemaVersion: number;
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /** Builds a validated event; throws `EventValidationError` (with zod's issue paths) on bad data. */
  create(data: z.input<TSchema>, options?: CreateEventOptions): DomainEvent<TType, z.output<TSchema>>;
  /** The tags the type declares for an event's data (`tags` in the options), if any. */
  readonly tags?: (data: z.output<TSchema>) => readonly string[];
  /**
   * Its personal fields (marked with `personal(...)` in the schema), by field name: stored
   * encrypted with their subject's key; undefined when it has none.
   */
  readonly personal?: Readonly<Record<string, PersonalField>>;
  /** Validates data against the schema; throws `EventValidationError`. */
  parse(data: unknown): z.output<TSchema>;
  /** Narrows any event to this type. */
  is<E extends { readonly type: string }>(event: E): event is Extract<E, { readonly type: TType }>;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest definition, used as a constraint.
export type AnyEventDefinition = EventDefinition<string, any>;

/** The event (as read or created) of one or a union of definitions. */
export type EventOf<D extends AnyEventDefinition> =
  D extends EventDefinition<infer T, infer S> ? DomainEvent<T, z.output<S>> : never;

/** What `append` accepts for one or a union of definitions: created events or plain input objects. */
export type EventInputOf<D extends AnyEventDefinition> =
  D extends EventDefinition<infer T, infer S> ? DomainEvent<T, z.input<S>> | DomainEvent<T, z.output<S>> : never;

export type EventTypeOf<D extends AnyEventDefinition> = D['type'];

/** Event types are stored in a 200-character column. */
export const EVENT_TYPE_MAX_LENGTH = 200;
const EVENT_TYPE_PATTERN = new RegExp(`^[A-Za-z][A-Za-z0-9_.:-]{0,${EVENT_TYPE_MAX_LENGTH - 1}}$`);

export function defineEvent<const TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schema: TSchema,
  options: DefineEventOptions<z.output<TSchema>> = {},
): EventDefinition<TType, TSchema> {
  if (!EVENT_TYPE_PATTERN.test(type)) {
    throw new InvalidArgumentError(
      `Event type ${JSON.stringify(type)} must start with a letter and use at most ${EVENT_TYPE_MAX_LENGTH} of [A-Za-z0-9_.:-]`,
    );
  }
  const schemaVersion = options.version ?? 1;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidArgumentError(`Event '${type}': schema version must be an integer >= 1`);
  }
  const upcasters = { ...(options.upcasters ?? {}) };
  for (let from = 1; from < schemaVersion; from++) {
    if (typeof upcasters[from] !== 'function') {
      throw new InvalidArgumentError(`Event '${type}' is at version ${schemaVersion} but has no upcaster from ${from}`);
    }
  }

  const parse = (data: unknown): z.output<TSchema> => {
    const result = schema.safeParse(data);
    if (!result.success) throw new EventValidationError(type, toIssues(result.error.issues));
    return result.data;
  };

  if (options.tags !== undefined && typeof options.tags !== 'function') {
    throw new InvalidArgumentError(`Event '${type}': tags must be a function of the event's data`);
  }

  const personal = declaredPersonalFields(type, schema);

  const definition: EventDefinition<TType, TSchema> = {
    type,
    schema,
    schemaVersion,
    upcasters: Object.freeze(upcasters),
    ...(options.tags && { tags: options.tags }),
    ...(personal && { personal }),
    parse,
    create(data: z.input<TSchema>, createOptions?: CreateEventOptions) {
      const event: DomainEvent<TType, z.output<TSchema>> = {
        type,
        data: parse(data),
        ...(createOptions?.id !== undefined && { id: createOptions.id }),
        ...(createOptions?.metadata !== undefined && { metadata: createOptions.metadata }),
        ...(createOptions?.tags !== undefined && { tags: createOptions.tags }),
      };
      markValidated(event);
      return event;
    },
    is<E extends { readonly type: string }>(event: E): event is Extract<E, { readonly type: TType }> {
      return event.type === type;
    },
  };
  return Object.freeze(definition);
}

export function toIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({ path: issue.path, message: issue.message, code: issue.code }));
}

/** Events built by `create` carry a hidden mark so the store does not parse them twice. */
function markValidated(event: object): void {
  Object.defineProperty(event, validated, { value: true, enumerable: false });
}

export function isValidated(event: object): boolean {
  return (event as { [validated]?: boolean })[validated] === true;
}
