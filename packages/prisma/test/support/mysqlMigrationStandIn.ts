/**
 * TEST-ONLY STAND-IN for `prisma migrate` on MySQL/MariaDB. It is not Prisma's tooling: on an
 * application's machine `prisma migrate dev` writes the migration, and that is the truth.
 *
 * Why it exists: the conformance run creates the tables from the shipped models with Prisma's
 * own schema engine, but the WebAssembly engine (schemaEngine.ts) has no MySQL support and the
 * CLI's native engine cannot be downloaded on these machines. So for MySQL this renders the
 * statements `prisma migrate diff --from-empty --script` prints, from the models as Prisma's own
 * parser reads them (the DMMF of `@prisma/prisma-schema-wasm`), in the layout of Prisma's MySQL
 * migrations. It handles only what the shipped models and the test host use (scalar fields,
 * ids, uniques, indexes, literal and autoincrement defaults) and throws on anything else.
 * test/mysqlMigrationStandIn.spec.ts checks the tables it creates against the spec.
 */
import { createRequire } from 'node:module';
import type { SchemaFile } from './schemaEngine.ts';

interface DmmfField {
  readonly name: string;
  readonly dbName?: string | null;
  readonly kind: string;
  readonly type: string;
  readonly isRequired: boolean;
  readonly nativeType?: readonly [string, readonly string[]] | null;
  readonly default?: unknown;
}

interface DmmfModel {
  readonly name: string;
  readonly dbName: string | null;
  readonly fields: readonly DmmfField[];
}

interface DmmfIndex {
  readonly model: string;
  readonly type: 'id' | 'unique' | 'normal' | 'fulltext';
  readonly dbName?: string | null;
  readonly fields: readonly { readonly name: string }[];
}

interface Datamodel {
  readonly models: readonly DmmfModel[];
  readonly indexes: readonly DmmfIndex[];
}

function parse(files: readonly SchemaFile[]): Datamodel {
  const wasm = createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: () => {} };
  const params = JSON.stringify({ prismaSchema: files.map((file) => [file.path, file.content]) });
  return (JSON.parse(wasm.get_dmmf(params)) as { datamodel: Datamodel }).datamodel;
}

const quote = (name: string) => `\`${name}\``;

const nativeTypes: Record<string, string> = { VarChar: 'VARCHAR', Char: 'CHAR', Text: 'TEXT', DateTime: 'DATETIME' };
/** Prisma's MySQL column type for a field without `@db.*`. */
const scalarTypes: Record<string, string> = {
  String: 'VARCHAR(191)',
  Int: 'INTEGER',
  BigInt: 'BIGINT',
  Json: 'JSON',
  DateTime: 'DATETIME(3)',
  Boolean: 'BOOLEAN',
};

function columnType(field: DmmfField): string {
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const type = nativeTypes[name];
    if (!type) throw new Error(`mysql stand-in: @db.${name} is not handled`);
    return args.length > 0 ? `${type}(${args.join(', ')})` : type;
  }
  const type = scalarTypes[field.type];
  if (!type) throw new Error(`mysql stand-in: type ${field.type} is not handled`);
  return type;
}

function columnDefault(field: DmmfField): string {
  const value = field.default;
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return ` DEFAULT ${value}`;
  // The DMMF gives BigInt defaults as strings; Prisma writes numbers unquoted.
  if (typeof value === 'string' && (field.type === 'Int' || field.type === 'BigInt')) return ` DEFAULT ${value}`;
  if (typeof value === 'string') return ` DEFAULT '${value.replaceAll("'", "''")}'`;
  if ((value as { name?: unknown }).name === 'autoincrement') return ' AUTO_INCREMENT';
  throw new Error(`mysql stand-in: default ${JSON.stringify(value)} is not handled`);
}

/** The CREATE TABLE statements of `prisma migrate diff --from-empty --script` on MySQL, in order. */
export function mysqlMigrationStatements(files: readonly SchemaFile[]): string[] {
  const { models, indexes } = parse(files);
  return models.map((model) => {
    const table = model.dbName ?? model.name;
    const relation = model.fields.find((field) => field.kind !== 'scalar');
    if (relation) throw new Error(`mysql stand-in: relation ${model.name}.${relation.name} is not handled`);
    const column = (fieldName: string) => {
      const field = model.fields.find((candidate) => candidate.name === fieldName)!;
      return field.dbName ?? field.name;
    };
    const columns = model.fields.map(
      (field) =>
        `    ${quote(column(field.name))} ${columnType(field)} ${field.isRequired ? 'NOT NULL' : 'NULL'}${columnDefault(field)}`,
    );
    const keys: string[] = [];
    let primaryKey = '';
    for (const index of indexes.filter((candidate) => candidate.model === model.name)) {
      const names = index.fields.map((field) => column(field.name));
      const list = names.map(quote).join(', ');
      if (index.type === 'id') primaryKey = `    PRIMARY KEY (${list})`;
      else if (index.type === 'fulltext') throw new Error('mysql stand-in: fulltext indexes are not handled');
      else {
        const unique = index.type === 'unique';
        const name = index.dbName ?? `${table}_${names.join('_')}_${unique ? 'key' : 'idx'}`;
        keys.push(`    ${unique ? 'UNIQUE INDEX' : 'INDEX'} ${quote(name)}(${list})`);
      }
    }
    const constraints = primaryKey === '' ? keys : [...keys, primaryKey];
    const body = constraints.length > 0 ? `${columns.join(',\n')},\n\n${constraints.join(',\n')}` : columns.join(',\n');
    return `CREATE TABLE ${quote(table)} (\n${body}\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
  });
}
