/**
 * A PostgreSQL array literal of `items`, bound as one text value and cast by the statement
 * (`${value(pgArray(ids))}::text[]`): however many items, the statement's text stays the same, so
 * it can be prepared once.
 */
export function pgArray(items: readonly (string | number | boolean)[]): string {
  return `{${items.map((item) => (typeof item === 'string' ? `"${item.replace(/[\\"]/g, '\\$&')}"` : String(item))).join(',')}}`;
}
