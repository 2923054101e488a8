/**
 * Ascending order of strings by UTF-16 code units (the same on every machine whatever its locale,
 * unlike `localeCompare`) or of bigints: a comparator for `sort`.
 */
export function ascending<T extends string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
