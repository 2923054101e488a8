import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';

/** What `personal(...)` records about a field: whose data it is, and what a reader sees once it is forgotten. */
export interface PersonalField {
  /** The top-level field of the same event holding the subject's id. */
  readonly subject: string;
  /** The value readers get once the subject's key is deleted; it must pass the field's schema. */
  readonly erased: unknown;
}

/** The personal fields of every schema marked with `personal(...)`. */
export const personalFields = z.registry<PersonalField>();

/**
 * Marks a top-level field of an event's schema as personal data of the subject named by another
 * top-level field: stored encrypted with that subject's key, and read as `erased` once the
 * subject is forgotten (`store.forget`). Returns the same schema, so the event's types are
 * inferred as before.
 */
export function personal<TSchema extends z.ZodType>(
  schema: TSchema,
  field: { readonly subject: string; readonly erased: z.output<TSchema> },
): TSchema {
  if (field === null || typeof field !== 'object' || typeof field.subject !== 'string' || field.subject === '') {
    throw new InvalidArgumentError('personal(schema, { subject, erased }) needs the name of the subject field');
  }
  if (!('erased' in field)) {
    throw new InvalidArgumentError('personal(schema, { subject, erased }) needs the value readers see once erased');
  }
  personalFields.add(schema, { subject: field.subject, erased: field.erased });
  return schema;
}

/**
 * The personal fields of an event's schema (field name -> its declaration), checked: each subject
 * field exists and each erased value passes its field's schema. Undefined when there are none.
 */
export function declaredPersonalFields(
  type: string,
  schema: z.ZodType,
): Readonly<Record<string, PersonalField>> | undefined {
  if (!(schema instanceof z.ZodObject)) return undefined;
  const shape = schema.shape as Record<string, z.ZodType>;
  const fields: Record<string, PersonalField> = {};
  for (const [name, fieldSchema] of Object.entries(shape)) {
    const field = personalFields.get(fieldSchema);
    if (!field) continue;
    if (!Object.hasOwn(shape, field.subject)) {
      throw new InvalidArgumentError(
        `Event '${type}': personal field '${name}' names subject field '${field.subject}', which the schema does not have`,
      );
    }
    if (personalFields.get(shape[field.subject] as z.ZodType)) {
      throw new InvalidArgumentError(`Event '${type}': the subject field '${field.subject}' cannot itself be personal`);
    }
    if (!fieldSchema.safeParse(field.erased).success) {
      throw new InvalidArgumentError(
        `Event '${type}': the erased value of personal field '${name}' (${String(JSON.stringify(field.erased))}) does not pass its schema`,
      );
    }
    fields[name] = Object.freeze({ subject: field.subject, erased: field.erased });
  }
  return Object.keys(fields).length === 0 ? undefined : Object.freeze(fields);
}
