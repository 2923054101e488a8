import type { EventStoreBackend } from '@es/core';
import type { SqlBackend } from '@es/core/sql';
import pg from 'pg';
import type { BenchConfig } from '../config.ts';
import { resetTablesSql } from '../schema.ts';
import type { BenchSystem, Dialect } from '../system.ts';
import { esSystem } from './esStore.ts';

/** The part of @es/testing's ConformanceTarget the bench uses. */
interface Target {
  setup(): Promise<void>;
  backendInstance(): EventStoreBackend<unknown>;
  reset(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * An @es ORM package measured through the conformance target of its test support
 * (`packages/<orm>/test/support`, run as TypeScript): the target creates the tables with that
 * ORM's own tooling (under its `ck_` prefix, in a database of the bench's own) and hands over the
 * backend. It is imported at run time so that a package still being written fails its own row
 * ("not measured: ...") rather than the build.
 */
export function conformanceTargetSystem(
  config: BenchConfig,
  orm: string,
  dialect: Dialect,
  factory: string,
  /** Another configuration of the package: its row's name and the target's options. */
  variant?: { readonly name: string; readonly options: object },
): BenchSystem {
  return esSystem(variant?.name ?? orm, dialect, async () => {
    const specifier = new URL(`../../../${orm}/test/support/index.ts`, import.meta.url).href;
    const module = (await import(specifier)) as Record<string, unknown>;
    const create = module[factory];
    if (typeof create !== 'function') throw new Error(`${specifier} exports no ${factory}()`);
    // The target names its database when it is created, so it is created inside the override.
    // SQLite: the target's own file in the temporary directory.
    const setUp = async () => {
      const target = create(dialect, variant?.options) as Target;
      await target.setup();
      return target;
    };
    const target = await (dialect === 'postgres' ? inOwnDatabase(config, orm, setUp) : setUp());
    const backend = target.backendInstance();
    // A SQLite backend instance connects asynchronously, and the statement workloads use its raw
    // connection, which does not wait: a read through the backend does.
    await backend.read(async () => undefined);
    return { backend, reset: resetBy(dialect, backend, target), close: () => target.teardown() };
  });
}

/**
 * Runs the target's setup against a database of the bench's own (`es_bench_<orm>`), never the
 * package's test database, where its conformance suite may be running. Targets name their database
 * as `${ES_PG_URL}/<name>`: a trailing `?bench=` turns that suffix into an ignored parameter.
 */
async function inOwnDatabase<T>(config: BenchConfig, orm: string, setup: () => Promise<T>): Promise<T> {
  const database = `es_bench_${orm.replaceAll('-', '_')}`;
  const admin = new pg.Client({ connectionString: config.postgresUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const previous = process.env.ES_PG_URL;
  process.env.ES_PG_URL = `${config.postgresServer}/${database}?bench=`;
  try {
    return await setup();
  } finally {
    if (previous === undefined) delete process.env.ES_PG_URL;
    else process.env.ES_PG_URL = previous;
  }
}

/**
 * Empties the store's tables between workloads as the other PostgreSQL systems do: `TRUNCATE`.
 * The target's own reset (`DELETE`, for its tests) leaves every deleted row dead in the tables and
 * indexes, and autovacuum is off on the bench machines, so each workload found the dead rows of all
 * those before it. The tags table then read as empty to `ANALYZE` while its indexes held every tag
 * of the conditional appends, and PostgreSQL looked each read event's tags up by a scan of a whole
 * tags index (BENCHMARKS.md). SQLite keeps the target's reset.
 */
function resetBy(dialect: Dialect, backend: EventStoreBackend<unknown>, target: Target): () => Promise<void> {
  if (dialect !== 'postgres') return () => target.reset();
  const { connection, tables } = backend as unknown as SqlBackend<unknown>;
  return async () => {
    for (const statement of resetTablesSql('postgres', tables)) await connection.execute(statement);
  };
}
