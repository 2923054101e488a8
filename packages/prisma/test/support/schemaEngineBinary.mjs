#!/usr/bin/env node
// Prisma's schema engine for the Prisma CLI on a machine that cannot download it.
//
// `prisma migrate dev` runs the native `schema-engine` binary, which the CLI downloads from Prisma's
// servers on first use; this repository's machines cannot reach them. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY (the CLI's documented override) at this file makes the CLI start it
// with the binary's arguments and talk to it with the binary's JSON-RPC over stdin and stdout; the
// answers come from the same engine built for WebAssembly (@prisma/schema-engine-wasm, through
// schemaEngine.ts) over @prisma/adapter-pg. So `prisma migrate dev`, `migrate deploy`, `migrate
// diff` run as a user types them, and the migrations they write and apply are Prisma's own. The
// install test (install-test/orms/prisma.mjs) and examples/prisma-postgres run the CLI this way.
// PostgreSQL only; test tooling, never part of the package.
//
// Arguments, as the CLI passes them: `--datamodels <file>` (each schema file), `--datasource
// <json {url, shadowDatabaseUrl?}>`, and for the one-shot commands `cli <command>`.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { openSchemaEngine } from './schemaEngine.ts';

const require = createRequire(import.meta.url);

/** The CLI reads an engine's log from stderr, one JSON object a line (it skips the first line). */
function logError(message, errorCode) {
  const fields = { message, ...(errorCode && { error_code: errorCode }) };
  process.stderr.write(`\n${JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields })}\n`);
}

function fail(message, errorCode) {
  logError(message, errorCode);
  process.exit(1);
}

function parseArguments(argv) {
  const args = { datamodels: [], datasource: undefined, command: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--datamodels') args.datamodels.push(argv[++i]);
    else if (arg === '--datasource') args.datasource = JSON.parse(argv[++i]);
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
    else if (arg === 'cli') args.command = argv[++i];
    else if (arg === '--version' || arg === '-V') args.command = 'version';
    else fail(`schema-engine (wasm): unknown argument ${arg}`);
  }
  return args;
}

/**
 * PostgreSQL's catalog types @prisma/adapter-pg has no column type for, read as the text they
 * arrive as: the engine's schema describer selects `"char"` columns (pg_class.relkind, ...), which
 * the native binary reads with its own driver.
 */
const CATALOG_TYPES_AS_TEXT = new Map([[18, 25]]); // "char" -> text

function catalogAsText(result) {
  for (const field of result?.fields ?? []) {
    const text = CATALOG_TYPES_AS_TEXT.get(field.dataTypeID);
    if (text !== undefined) field.dataTypeID = text;
  }
  return result;
}

/** node-postgres' Client, with catalog types retyped in every result (the pool's clients). */
class CatalogClient extends pg.Client {
  query(config, values, callback) {
    const done = typeof values === 'function' ? values : callback;
    if (typeof done === 'function') {
      const args = typeof values === 'function' ? [] : [values];
      return super.query(config, ...args, (error, result) => done(error, result && catalogAsText(result)));
    }
    const pending = super.query(config, values);
    return typeof pending?.then === 'function' ? pending.then(catalogAsText) : pending;
  }
}

/**
 * node-postgres settings from a connection URL, as fields: PrismaPg makes its shadow database's
 * pool with `{ ...config, database }`, which a `connectionString` would override.
 */
function pgConfig(url) {
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) fail(`schema-engine (wasm): PostgreSQL only, not ${parsed.protocol}`);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  return {
    config: {
      host: parsed.hostname,
      port: Number(parsed.port || 5432),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password) || undefined,
      database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
      ...(schema && { options: `-c search_path=${schema}` }),
      Client: CatalogClient,
    },
    schema,
  };
}

/**
 * The adapter factory the engine connects through. Its shadow database (`migrate dev` replays the
 * migrations there) is `shadowDatabaseUrl`'s, or one made for the command and dropped after it, as
 * the binary does; PrismaPg's own drops it while its pool is still connected, which PostgreSQL refuses.
 */
function adapterFactory({ url, shadowDatabaseUrl }) {
  const { config, schema } = pgConfig(url);
  const factory = new PrismaPg(config, schema ? { schema } : undefined);
  const admin = async (sql) => {
    const client = new pg.Client(config);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const connectToShadowDb = async () => {
    if (shadowDatabaseUrl) {
      const shadow = pgConfig(shadowDatabaseUrl);
      return new PrismaPg(shadow.config, shadow.schema ? { schema: shadow.schema } : undefined).connect();
    }
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin(`CREATE DATABASE "${database}"`);
    const adapter = await new PrismaPg({ ...config, database }, schema ? { schema } : undefined).connect();
    const dispose = adapter.dispose.bind(adapter);
    let dropped;
    adapter.dispose = () => {
      dropped ??= dispose().then(() => admin(`DROP DATABASE IF EXISTS "${database}"`));
      return dropped;
    };
    return adapter;
  };
  return Object.assign(factory, { connectToShadowDb });
}

/**
 * The engine must be the one the app's `prisma` ships (its build/schema_engine_bg.wasm): the CLI
 * and the engine speak the JSON-RPC of one release.
 */
function checkSameRelease() {
  const cli = dirname(createRequire(join(process.cwd(), 'package.json')).resolve('prisma/package.json'));
  const engine = dirname(require.resolve('@prisma/schema-engine-wasm'));
  const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
  if (digest(join(engine, 'schema_engine_bg.wasm')) !== digest(join(cli, 'build/schema_engine_bg.wasm'))) {
    const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    fail(
      `schema-engine (wasm): the app's prisma ${version(cli)} ships another engine than ` +
        `@prisma/schema-engine-wasm ${version(engine)} (packages/prisma's devDependency): use the same Prisma release`,
    );
  }
}

/** `cli can-connect-to-database` and `cli create-database`, which the CLI runs before a migration. */
async function runCommand(command, datasource) {
  if (command === 'version') {
    process.stdout.write('schema-engine-wasm (@es/prisma test support)\n');
    return;
  }
  const { config } = pgConfig(datasource.url);
  const connect = async (database) => {
    const client = new pg.Client({ ...config, database });
    await client.connect();
    return client;
  };
  if (command === 'can-connect-to-database') {
    const client = await connect(config.database).catch((error) => {
      if (error.code === '3D000') fail(`Database \`${config.database}\` does not exist`, 'P1003');
      fail(`Can't reach database server: ${error.message}`, 'P1001');
    });
    await client.end();
  } else if (command === 'create-database') {
    const client = await connect('postgres');
    await client.query(`CREATE DATABASE "${config.database.replaceAll('"', '""')}"`);
    await client.end();
  } else {
    fail(`schema-engine (wasm): cli ${command} is not served here`);
  }
}

/** The JSON-RPC methods the CLI calls, by the wasm engine's names where they differ. */
const methods = { getDatabaseVersion: 'version' };

/** JSON-RPC's error object as the binary sends it (the CLI reads `data`). */
function rpcError(error, session) {
  const explained = session.explain(error);
  const cause = explained.cause ?? error;
  const known = cause && typeof cause === 'object' ? cause : {};
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: {
      is_panic: Boolean(known.is_panic),
      message: typeof known.message === 'string' ? known.message : explained.message,
      ...(known.error_code && { error_code: known.error_code, meta: known.meta ?? null }),
    },
  };
}

let printRequests = 0;
/** Asks the CLI to print `content` on its stdout (the binary's `print` request). */
function print(content) {
  const request = { jsonrpc: '2.0', id: `print-${++printRequests}`, method: 'print', params: { content } };
  process.stdout.write(`${JSON.stringify(request)}\n`);
}

/**
 * The methods that diff the schema against the one the migrations produce. The WebAssembly engine
 * computes that schema (on a shadow database) only inside `diagnoseMigrationHistory` and
 * `devDiagnostic`, which get the adapter factory's shadow database, and keeps it for the same
 * migrations list; on a list it has not seen (`migrate dev` right after it applied a pending
 * migration, e.g. one made with `--create-only`) these fail with "PostgreSQL shadow DB must be
 * provided through an external factory", where the native binary makes a shadow database itself.
 */
const NEEDS_MIGRATIONS_SCHEMA = new Set(['evaluateDataLoss', 'createMigration']);

/** Replays `params.migrationsList` on a shadow database, for the engine to keep its schema. */
async function replayMigrations(session, params) {
  if (!params?.migrationsList) return;
  await session.engine.diagnoseMigrationHistory({
    migrationsList: params.migrationsList,
    optInToShadowDatabase: true,
    filters: params.filters ?? { externalTables: [], externalEnums: [] },
  });
}

async function serve(files, datasource) {
  const session = await openSchemaEngine(files, adapterFactory(datasource));
  try {
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim() === '') continue;
      const request = JSON.parse(line);
      if (request.method === undefined) continue; // the CLI's answer to a request of ours
      const name = methods[request.method] ?? request.method;
      const response = { jsonrpc: '2.0', id: request.id };
      if (typeof session.engine[name] !== 'function') {
        response.error = { code: -32601, message: `Method not found: ${request.method}` };
      } else {
        try {
          if (NEEDS_MIGRATIONS_SCHEMA.has(name)) await replayMigrations(session, request.params);
          const result = await session.engine[name](request.params ?? {});
          // The binary prints a diff's script through the CLI; the wasm engine returns it.
          if (name === 'diff' && result?.stdout) print(result.stdout);
          response.result = result === undefined ? null : result;
        } catch (error) {
          response.error = rpcError(error, session);
        }
      }
      process.stdout.write(`${JSON.stringify(response)}\n`);
    }
  } finally {
    await session.close();
  }
}

const args = parseArguments(process.argv.slice(2));
if (args.command) {
  await runCommand(args.command, args.datasource);
} else {
  if (!args.datasource?.url) fail('schema-engine (wasm): no --datasource url');
  checkSameRelease();
  // Commands without a schema (`migrate diff`) start the binary without --datamodels; the
  // WebAssembly engine takes its provider from a schema, so it gets one with just the datasource.
  const files =
    args.datamodels.length > 0
      ? args.datamodels.map((file) => ({ path: file, content: readFileSync(resolve(file), 'utf8') }))
      : [{ path: 'datasource.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n' }];
  // A panic inside the engine can surface outside any request (a trap in a pending callback):
  // report it as the binary reports a panic (exit code 101), with Prisma's panic message.
  process.on('uncaughtException', (error) => {
    logError(globalThis.PRISMA_WASM_PANIC_REGISTRY?.message || String(error?.stack ?? error));
    process.exit(101);
  });
  await serve(files, args.datasource);
}
