import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineEvent } from '@es/core';
import type { SqlDialectName } from '@es/core/sql';
import { testDatabases } from '@es/testing/targets';
import { defineEntity, type EntitySchema, MikroORM, type Options, p } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { z } from 'zod';
import { configureModels } from '../src/index.js';
import { recreateTables } from './support/index.ts';

export const dialects: readonly SqlDialectName[] = ['postgres', 'mysql', 'sqlite'];

/** The host application's own entity, on the spec's table, written in the same transactions as its events. */
export const accountEntity = (tableName: string) =>
  defineEntity({
    name: 'Account',
    tableName,
    properties: { id: p.string().length(64).primary(), owner: p.string().length(100) },
  });
export const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string() }));

/** What a spec's host application brings: its entities, the store's table prefix, a name for its SQLite file. */
export interface HostApp {
  readonly entities: readonly EntitySchema[];
  readonly tablePrefix: string;
  readonly name: string;
}

const connections: Record<SqlDialectName, (name: string) => Partial<Options>> = {
  postgres: () => ({ driver: PostgreSqlDriver, clientUrl: testDatabases.postgres('es_mikro_orm') }),
  mysql: () => ({ driver: MariaDbDriver, clientUrl: testDatabases.mysql('es_mikro_orm') }),
  sqlite(name) {
    const dbName = join(tmpdir(), `es-mikro-orm-${name}.sqlite`);
    rmSync(dbName, { force: true });
    // better-sqlite3's busy timeout would block the event loop; the backend waits asynchronously.
    return { driver: SqliteDriver, dbName, driverOptions: { timeout: 0 } };
  },
};

/**
 * MikroORM configured as a host configures it (its entities, the store's added by configureModels)
 * on the test database of `dialect` (on SQLite a new file), the tables made by MikroORM's
 * SchemaGenerator.
 */
export async function openHostOrm(dialect: SqlDialectName, app: HostApp): Promise<MikroORM> {
  const options = { ...connections[dialect](app.name), entities: [...app.entities] };
  const orm = await MikroORM.init(configureModels(options, { tablePrefix: app.tablePrefix }));
  await recreateTables(orm);
  return orm;
}
