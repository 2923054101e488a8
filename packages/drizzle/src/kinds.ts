import { entityKind } from 'drizzle-orm';

/**
 * Whether `value` is an instance of the Drizzle class named `kind` (its `entityKind`), decided as
 * Drizzle's own `is()` does when the instance check fails: by the kinds along its class chain. Asked
 * this way, no dialect module has to be loaded to recognise its classes, so an entry for one
 * dialect loads none of the others.
 */
export function isDrizzleKind(value: unknown, kind: string): boolean {
  if (!value || typeof value !== 'object') return false;
  for (let cls = Object.getPrototypeOf(value)?.constructor; cls; cls = Object.getPrototypeOf(cls)) {
    if (entityKind in cls && cls[entityKind] === kind) return true;
  }
  return false;
}
