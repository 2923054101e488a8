// The host-join test, written the way an application uses the store: its own model
// saved with its generated client and an append, in one `prisma.$transaction`.

import { createEventStore, defineEvent, InvalidArgumentError, stream } from '@es/core';
import { testDatabases } from '@es/testing/targets';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import { z } from 'zod';
import { createPrismaBackend } from '../src/index.js';
import { PrismaClient as MysqlClient } from './support/generated/mysql/client/client.ts';
import { PrismaClient as PostgresClient } from './support/generated/postgresql/client/client.ts';
import { PrismaClient as SqliteClient } from './support/generated/sqlite/client/client.ts';
import { type Dialect, prismaTarget, sqliteTestFile } from './support/index.ts';

const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
const Deposited = defineEvent('Deposited', z.object({ amount: z.number().positive() }));

const clients = {
  postgres: () =>
    new PostgresClient({ adapter: new PrismaPg({ connectionString: testDatabases.postgres('es_prisma') }) }),
  mysql: () => new MysqlClient({ adapter: new PrismaMariaDb(testDatabases.mysql('es_prisma')) }),
  sqlite: () => new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: sqliteTestFile, timeout: 0 }) }),
};

class HostFailed extends Error {}

describe.each(['postgres', 'mysql', 'sqlite'] as const)('host transaction on %s', (dialect: Dialect) => {
  const tables = prismaTarget(dialect);
  // The three generated clients have the same API; type them as one for the shared tests.
  const prisma = clients[dialect]() as unknown as PostgresClient;
  const store = createEventStore({ backend: createPrismaBackend(prisma), events: [Opened, Deposited] });

  beforeAll(() => tables.setup()); // the tables, from the schema, by Prisma's schema engine
  afterAll(async () => {
    await prisma.$disconnect();
    await tables.teardown();
  });

  it('rolls back the host row and the append together when the transaction throws', async () => {
    const account = stream('account', `rollback-${dialect}`);
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.hostRow.create({ data: { id: account.id } });
        await store
          .withTransaction(tx)
          .append(account, Opened.create({ owner: 'ada' }), { expectedVersion: 'no_stream' });
        throw new HostFailed();
      }),
    ).rejects.toBeInstanceOf(HostFailed);

    expect(await prisma.hostRow.findUnique({ where: { id: account.id } })).toBeNull();
    expect(await store.streamVersion(account)).toBe(0);
    expect(await store.readStream(account)).toEqual([]);
  });

  it('commits the host row and the append together', async () => {
    const account = stream('account', `commit-${dialect}`);
    await prisma.$transaction(async (tx) => {
      await tx.hostRow.create({ data: { id: account.id } });
      const events = store.withTransaction(tx);
      await events.append(account, Opened.create({ owner: 'ada' }), { expectedVersion: 'no_stream' });
      await events.append(account, Deposited.create({ amount: 5 }), { expectedVersion: 1 });
      // The host's uncommitted row and the store's uncommitted events are one transaction.
      expect(await events.streamVersion(account)).toBe(2);
      expect(await tx.hostRow.count({ where: { id: account.id } })).toBe(1);
    });

    expect(await prisma.hostRow.findUnique({ where: { id: account.id } })).toEqual({ id: account.id });
    const recorded = await store.readStream(account);
    expect(recorded.map((event) => [event.type, event.data])).toEqual([
      ['Opened', { owner: 'ada' }],
      ['Deposited', { amount: 5 }],
    ]);
  });

  it('refuses the PrismaClient itself, or a handle that is no Prisma client, and writes nothing', async () => {
    const account = stream('account', `not-a-tx-${dialect}`);
    // `prisma` instead of `tx` would append in autocommit, outside the caller's transaction.
    for (const handle of [prisma, {}]) {
      await expect(
        store
          .withTransaction(handle as never)
          .append(account, Opened.create({ owner: 'ada' }), { expectedVersion: 'no_stream' }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(await store.streamVersion(account)).toBe(0);
  });

  it('opens and commits its own transaction when given none', async () => {
    const account = stream('account', `own-${dialect}`);
    await store.append(account, Opened.create({ owner: 'bob' }), { expectedVersion: 'no_stream' });
    expect(await store.streamVersion(account)).toBe(1);
  });
});
