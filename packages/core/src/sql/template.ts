import type { SqlParam } from './executor.js';

/**
 * SQL built by a tagged template: `sql\`SELECT ... WHERE tenant_id = ${tenant}\`` binds `tenant`
 * where it stands in the text, so the bound values cannot come out in another order than their
 * placeholders, whatever the dialect's placeholder style. Fragments nest (a fragment's values
 * take their place in the enclosing text); identifiers and raw SQL are trusted text, never bound.
 */

/** How a bound value is typed: the dialect casts its placeholder or encodes the value for it. */
export type ValueKind = 'plain' | 'time' | 'json' | 'uuid' | 'bigint';

/**
 * A bound value with its kind. The same object interpolated twice is one placeholder where the
 * dialect numbers them (`$1` again on PostgreSQL) and bound again where it does not (`?`).
 */
export class SqlValue {
  constructor(
    readonly kind: ValueKind,
    readonly value: SqlParam | Date,
  ) {}
}

/** Trusted SQL text (an identifier, a keyword, an expression the code wrote): never bound. */
export class RawSql {
  constructor(readonly text: string) {}
}

/** Items joined by a separator; each item is bound or rendered like an interpolation. */
export class SqlJoin {
  constructor(
    readonly items: readonly Interpolation[],
    readonly separator: string,
    /** The text when there are no items (`NULL` in a list: `IN (NULL)` matches nothing). */
    readonly empty: string,
  ) {}
}

export class SqlFragment {
  constructor(
    readonly strings: readonly string[],
    readonly args: readonly Interpolation[],
  ) {}
}

/** What may stand in a `${...}`: a plain value is bound as it is. */
export type Interpolation = SqlParam | SqlValue | RawSql | SqlJoin | SqlFragment;

/** The SQL text with the dialect's placeholders, and the values they bind, in order. */
export interface Statement {
  readonly text: string;
  readonly values: SqlParam[];
}

/** What rendering needs from a dialect: its placeholders and how it takes typed values. */
export interface PlaceholderSyntax {
  /** The placeholder of the `index`-th bound value (1-based): `$1` or `?`. */
  placeholder(index: number): string;
  /** Whether a placeholder names its value, so that a value used twice is bound once. */
  readonly numberedPlaceholders: boolean;
  /** The placeholder as the statement uses it (PostgreSQL: `$1::timestamptz`). */
  cast(kind: ValueKind, placeholder: string): string;
  /** The value as the driver binds it (MySQL: a time as `YYYY-MM-DD HH:MM:SS.sss`). */
  encode(kind: ValueKind, value: SqlParam | Date): SqlParam;
}

export function sql(strings: TemplateStringsArray, ...args: Interpolation[]): SqlFragment {
  return new SqlFragment(strings, args);
}

/** Trusted SQL text, inserted as it is. */
export function raw(text: string): RawSql {
  return new RawSql(text);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/**
 * A table or column name the code chose (table names come from a validated prefix): inserted
 * unquoted. Anything that is not a plain identifier is refused, so a name can never carry SQL.
 */
export function ident(name: string): RawSql {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return new RawSql(name);
}

/** `a, b, c` for `IN (...)` or `VALUES (...)`: each item bound in order; `NULL` when empty. */
export function list(items: readonly Interpolation[]): SqlJoin {
  return new SqlJoin(items, ', ', 'NULL');
}

/** Fragments (or values) joined by `separator`; nothing when there are none. */
export function join(items: readonly Interpolation[], separator: string): SqlJoin {
  return new SqlJoin(items, separator, '');
}

export const empty: SqlFragment = new SqlFragment([''], []);

/** A plain value bound once however often it is interpolated (see `SqlValue`). */
export const value = (value: SqlParam): SqlValue => new SqlValue('plain', value);
/** A point in time, bound as the dialect stores times (never through a driver's time zone). */
export const time = (date: Date): SqlValue => new SqlValue('time', date);
/** JSON text, bound as text and cast where the column's type needs it. */
export const json = (text: string): SqlValue => new SqlValue('json', text);
export const uuid = (id: string): SqlValue => new SqlValue('uuid', id);
/** A 64-bit integer (positions, transaction ids). */
export const bigint = (n: bigint): SqlValue => new SqlValue('bigint', n);

/** Renders `fragment` in a dialect's placeholder style. */
export function render(fragment: SqlFragment, syntax: PlaceholderSyntax): Statement {
  const values: SqlParam[] = [];
  const named = syntax.numberedPlaceholders ? new Map<SqlValue, string>() : undefined;
  const bind = (kind: ValueKind, value: SqlParam | Date): string => {
    values.push(syntax.encode(kind, value));
    return syntax.cast(kind, syntax.placeholder(values.length));
  };
  const text = (item: Interpolation): string => {
    if (item instanceof SqlFragment) {
      let out = item.strings[0] as string;
      for (let index = 0; index < item.args.length; index++) {
        out += text(item.args[index] as Interpolation) + (item.strings[index + 1] as string);
      }
      return out;
    }
    if (item instanceof RawSql) return item.text;
    if (item instanceof SqlJoin) {
      return item.items.length === 0 ? item.empty : item.items.map(text).join(item.separator);
    }
    if (item instanceof SqlValue) {
      if (!named) return bind(item.kind, item.value);
      let placeholder = named.get(item);
      if (placeholder === undefined) {
        placeholder = bind(item.kind, item.value);
        named.set(item, placeholder);
      }
      return placeholder;
    }
    return bind('plain', item);
  };
  return { text: text(fragment), values };
}
