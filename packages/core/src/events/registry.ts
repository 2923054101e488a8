import { InvalidArgumentError, UnknownEventTypeError, UpcastError } from '../errors/index.js';
import { type AnyEventDefinition, type DomainEvent, isValidated } from './defineEvent.js';

/**
 * The event types a store knows. Appends must use a registered type (validated against its
 * schema); reads lift older schema versions through the type's upcasters.
 */
export class EventRegistry {
  private readonly byType = new Map<string, AnyEventDefinition>();

  constructor(definitions: readonly AnyEventDefinition[]) {
    for (const definition of definitions) {
      const existing = this.byType.get(definition.type);
      if (existing && existing !== definition) {
        throw new InvalidArgumentError(
          `Event type '${definition.type}' is registered twice with different definitions`,
        );
      }
      this.byType.set(definition.type, definition);
    }
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  /** The definition last looked up: a read's events are mostly of few types. */
  private last: AnyEventDefinition | undefined;

  definition(type: string): AnyEventDefinition {
    // A read's types are strings the driver made for each row, which a map lookup hashes anew;
    // comparing them with the last type's name does not.
    const last = this.last;
    if (last !== undefined && last.type === type) return last;
    const definition = this.byType.get(type);
    if (!definition) throw new UnknownEventTypeError(type, this.types);
    this.last = definition;
    return definition;
  }

  /** The data to store for an event to append: validated by its schema unless `create` already did. */
  validate(event: DomainEvent): { definition: AnyEventDefinition; data: unknown } {
    const definition = this.definition(event.type);
    return { definition, data: isValidated(event) ? event.data : definition.parse(event.data) };
  }

  /** Whether any registered type declares personal fields. */
  get hasPersonalFields(): boolean {
    for (const definition of this.byType.values()) if (definition.personal) return true;
    return false;
  }

  /** The personal fields `type`'s definition declares; undefined for none, or a type not registered. */
  personalFields(type: string): AnyEventDefinition['personal'] {
    return this.byType.get(type)?.personal;
  }

  /**
   * What a reader sees of a stored personal field whose key is gone: the current definition's
   * erased value for that field, or null when the type or field declares none (any more).
   */
  erasedValue(type: string, field: string): unknown {
    const declared = this.byType.get(type)?.personal?.[field];
    return declared ? declared.erased : null;
  }

  /** Lifts stored data from `storedVersion` to the definition's current version. */
  upcast(type: string, storedVersion: number, data: unknown): unknown {
    const definition = this.definition(type);
    const target = definition.schemaVersion;
    if (storedVersion === target) return data;
    if (storedVersion > target) {
      throw new UpcastError(type, storedVersion, target, 'the stored version is newer than this code knows');
    }
    let lifted = data;
    for (let from = storedVersion; from < target; from++) {
      const step = definition.upcasters[from];
      if (!step) throw new UpcastError(type, storedVersion, target, `no upcaster from version ${from}`);
      try {
        lifted = step(lifted);
      } catch (error) {
        throw new UpcastError(type, storedVersion, target, `upcaster from version ${from} threw`, { cause: error });
      }
    }
    try {
      return definition.parse(lifted);
    } catch (error) {
      throw new UpcastError(type, storedVersion, target, 'the upcasted data does not match the schema', {
        cause: error,
      });
    }
  }
}
