import type { SqlDialectName, StatementOptions } from './executor.js';

/**
 * Prepared statements for node-postgres under an ORM. node-postgres runs a query config that has
 * a `name` as a named prepared statement: parsed and planned once per connection, then only bound
 * and executed. TypeORM and Kysely (under MikroORM) hand the query they are given to the driver
 * untouched, so a config passed in place of the text reaches node-postgres as such; it converts
 * to its text (`toString`) wherever the ORM logs or reports it.
 */
export class NamedStatement {
  constructor(
    readonly name: string,
    readonly text: string,
  ) {}

  toString(): string {
    return this.text;
  }
}

/** One name per distinct text, for the whole process, so that names never clash on a connection. */
const names = new Map<string, string>();

/**
 * How many distinct texts get a name. Every connection that runs a named statement keeps its plan
 * until it closes, and some prepared texts have one shape per caller's query (a log filter's types,
 * a conditional append's items): past this many, texts run unnamed, planned at every run.
 */
const MAX_NAMED_STATEMENTS = 256;

/** The stable statement name of `text` (`es_1`, `es_2` ...), or undefined once `MAX_NAMED_STATEMENTS` texts have one. */
export function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMED_STATEMENTS) return undefined;
    name = `es_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * What an ORM package over node-postgres hands its driver for core's `sql`: a new named statement
 * when core marks the statement reusable on PostgreSQL (a new object each call: node-postgres
 * writes the bound values onto the config it is given), else the text itself. Typed as the text
 * the ORM's API expects.
 */
export function driverStatement(dialect: SqlDialectName, sql: string, options?: StatementOptions): string {
  const name = dialect === 'postgres' && options?.prepare ? statementName(sql) : undefined;
  return name ? (new NamedStatement(name, sql) as unknown as string) : sql;
}
