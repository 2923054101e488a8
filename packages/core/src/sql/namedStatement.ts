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

/** The stable statement name of `text` (`es_1`, `es_2` ...). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `es_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * `text` as node-postgres's named statement, typed as the text the ORM's API expects. A new
 * object each call: node-postgres writes the bound values onto the config it is given.
 */
export function namedStatement(text: string): string {
  return new NamedStatement(statementName(text), text) as unknown as string;
}
