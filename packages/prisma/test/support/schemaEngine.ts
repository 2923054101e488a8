/**
 * Prisma's own migration SQL, from the WebAssembly build of Prisma's schema engine
 * (`@prisma/schema-engine-wasm`: the Rust engine behind `prisma migrate`, driven through a driver
 * adapter instead of the native binary the CLI downloads). `migrationSql` returns what
 * `prisma migrate diff --from-empty --to-schema <schema> --script` prints, which is what
 * `prisma migrate dev` writes as the first migration of that schema; `applyMigrations` does what
 * `prisma migrate deploy` does.
 *
 * PostgreSQL and SQLite only: the WebAssembly engine is built without MySQL (it panics with
 * "Unsupported adapter provider: Mysql"); see mysqlMigrationStandIn.ts.
 *
 * Test tooling: the engine's version must match the installed `prisma`
 * (`@prisma/schema-engine-wasm@<prisma version>-<engines hash>`).
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

/** One file of a (multi-file) Prisma schema. */
export interface SchemaFile {
  readonly path: string;
  readonly content: string;
}

type EngineModule = typeof import('@prisma/schema-engine-wasm');

interface PanicRegistry {
  message: string;
  set_message(message: string): void;
}

const panics = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };

let engineModule: Promise<EngineModule> | undefined;

/**
 * Instantiates the engine as the Prisma CLI instantiates its WebAssembly modules. The package's
 * entry does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 22 loads only with
 * `--experimental-wasm-modules`; the glue module plus WebAssembly.instantiate needs no flag.
 */
function loadEngine(): Promise<EngineModule> {
  engineModule ??= (async () => {
    // Rust panics are reported through this global just before the module traps.
    panics.PRISMA_WASM_PANIC_REGISTRY ??= {
      message: '',
      set_message(message) {
        this.message = message;
      },
    };
    const dir = dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm'));
    const glue = (await import(pathToFileURL(join(dir, 'schema_engine_bg.js')).href)) as EngineModule & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const module = await WebAssembly.compile(await readFile(join(dir, 'schema_engine_bg.wasm')));
    // The engine races its operations against timers it never clears; track them, so that they
    // are cleared once no operation runs (else a finished migration keeps the process alive).
    const imports = Object.fromEntries(
      Object.entries(glue).map(([name, value]) => [
        name,
        name.startsWith('__wbg_setTimeout')
          ? (...args: unknown[]) => timers.track((value as Function)(...args))
          : value,
      ]),
    );
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return glue;
  })();
  return engineModule;
}

/** The WebAssembly global, which Node has and this package's TypeScript libs do not declare. */
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: {
    compile(bytes: Uint8Array): Promise<object>;
    instantiate(module: object, imports: object): Promise<{ exports: Record<string, unknown> }>;
  };
};

/** The engine's pending timers, cleared when its last running operation ends. */
const timers = {
  pending: new Set<unknown>(),
  running: 0,
  track(timer: unknown) {
    this.pending.add(timer);
    return timer;
  },
  operationEnded() {
    if (--this.running > 0) return;
    for (const timer of this.pending) clearTimeout(timer as NodeJS.Timeout);
    this.pending.clear();
  },
};

const noFilters = { externalTables: [], externalEnums: [] };

/**
 * `prisma migrate diff --from-empty --to-schema <files> --script` for the adapter's database.
 * `files` must hold a datasource block; the adapter must reach the database (the PostgreSQL
 * flavour reads the server's version).
 */
export async function migrationSql(
  files: readonly SchemaFile[],
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
): Promise<string> {
  return withEngine(files, adapterFactory, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: files.map((file) => ({ path: file.path, content: file.content })) },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? '';
  });
}

/**
 * `prisma migrate deploy`: applies the migrations of `migrationsDir` (Prisma's layout:
 * `<name>/migration.sql` plus `migration_lock.toml`) that the database has not seen, and records
 * them in `_prisma_migrations`. Returns the names of the migrations it applied.
 */
export async function applyMigrations(
  migrationsDir: string,
  files: readonly SchemaFile[],
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfile = join(migrationsDir, 'migration_lock.toml');
  const migrationsList = {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockfile, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok' as const, value: await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8') },
        },
      })),
    ),
  };
  return withEngine(files, adapterFactory, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return result.appliedMigrationNames;
  });
}

/** An engine for one schema over one driver adapter, open until `close`. */
export interface SchemaEngineSession {
  readonly engine: SchemaEngine;
  /** The engine's error with its cause: the driver's error behind an "External error", or the panic. */
  explain(error: unknown): Error;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
}

/**
 * An engine for `files` (which must hold a datasource block) over the adapter, as the CLI starts
 * its binary for a command: several operations may run on it before `close`.
 */
export async function openSchemaEngine(
  files: readonly SchemaFile[],
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
): Promise<SchemaEngineSession> {
  if (adapterFactory.provider === 'mysql') {
    throw new Error("Prisma's WebAssembly schema engine has no MySQL support");
  }
  const engine = await loadEngine();
  const connections = new ConnectionTracker(adapterFactory);
  const adapter = bindMigrationAwareSqlAdapterFactory(connections.factory);
  const debug = process.env.ES_PRISMA_DEBUG ? (line: string) => console.error('[schema-engine]', line) : () => {};
  /** The engine reports a driver error as "External error id#N"; the registry has the original. */
  const explain = (error: unknown): Error => {
    const id = /External error id#(\d+)/.exec(String((error as Error)?.message ?? error))?.[1];
    const original = id === undefined ? undefined : adapter.errorRegistry.consumeError(Number(id));
    if (original) return new Error(`schema engine: ${describe(original.error)}`, { cause: original.error });
    const panic = panics.PRISMA_WASM_PANIC_REGISTRY?.message;
    return new Error(`schema engine: ${panic || describe(error)}`, { cause: error });
  };
  const datamodels = files.map((file) => [file.path, file.content] as [string, string]);
  timers.running++;
  const close = async () => {
    await connections.closeAll();
    timers.operationEnded();
  };
  try {
    const instance = await engine.SchemaEngine.new({ datamodels }, debug, adapter);
    return {
      engine: instance,
      explain,
      async close() {
        instance.free();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw explain(error);
  }
}

/** Runs `work` on an engine for `files` over the adapter, and frees both afterwards. */
async function withEngine<T>(
  files: readonly SchemaFile[],
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const session = await openSchemaEngine(files, adapterFactory);
  try {
    return await work(session.engine);
  } catch (error) {
    throw session.explain(error);
  } finally {
    await session.close();
  }
}

/** Closes what the engine connected: freeing the engine leaves the adapters' pools open. */
class ConnectionTracker {
  readonly factory: SqlMigrationAwareDriverAdapterFactory;
  private readonly opened: SqlDriverAdapter[] = [];

  constructor(inner: SqlMigrationAwareDriverAdapterFactory) {
    const track = (adapter: SqlDriverAdapter) => {
      this.opened.push(adapter);
      return adapter;
    };
    this.factory = {
      provider: inner.provider,
      adapterName: inner.adapterName,
      connect: async () => track(await inner.connect()),
      connectToShadowDb: async () => track(await inner.connectToShadowDb()),
    };
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.opened.splice(0).map((adapter) => adapter.dispose()));
  }
}

/**
 * Runs a migration script as Prisma's migration runner does with a driver adapter (one script,
 * through the adapter's `executeScript`).
 */
export async function executeMigrationScript(
  sql: string,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
): Promise<void> {
  const adapter = await adapterFactory.connect();
  try {
    await adapter.executeScript(sql);
  } finally {
    await adapter.dispose();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
