import { createEventStore, defineEvent, InvalidArgumentError } from '@es/core';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { z } from 'zod';
import { createPrismaBackend } from '../src/index.js';
import { openHostClient, openHostPool, prismaTarget } from './support/index.ts';

// `pgPool`: the store's statements outside a transaction run on the adapter's pool, prepared.

const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
const tables = prismaTarget('postgres');
beforeAll(async () => {
  await tables.setup();
  await tables.reset();
}, 120_000);
afterAll(() => tables.teardown());

test.each([
  true,
  false,
])('with preparedStatements %p, appends and reads outside a transaction are prepared on the pool, or not at all', async (preparedStatements) => {
  // One connection, so the catalog read below sees the one that ran the store's statements.
  const pool = openHostPool(1);
  const client = openHostClient('postgres', 1, pool);
  try {
    const store = createEventStore({
      backend: createPrismaBackend(client, { pgPool: pool, preparedStatements }),
      events: [Opened],
    });
    const stream = { category: 'account', id: `p-${preparedStatements}` };
    await store.append(stream, Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' });
    await store.append(stream, Opened.create({ owner: 'bob' }), { expectedVersion: 1 });
    expect((await store.readStream(stream)).map((event) => event.data.owner)).toEqual(['ann', 'bob']);
    const { rows } = await pool.query<{ statement: string }>(
      `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%es_events%' ORDER BY statement`,
    );
    // The read by its first words; each append (a new stream, then an existing one) by its
    // version check, which follows the tags' locks in the statement.
    const kinds = rows.map(
      (row) =>
        /bumped AS \((INSERT|UPDATE)/.exec(row.statement)?.[0] ??
        row.statement.trimStart().split(/\s+/).slice(0, 4).join(' '),
    );
    expect(kinds.sort()).toEqual(
      preparedStatements
        ? ['SELECT position, transaction_id, event_id,', 'bumped AS (INSERT', 'bumped AS (UPDATE']
        : [],
    );
    // And Prisma still reads what the pool wrote.
    expect(
      await client.$queryRawUnsafe<{ n: bigint }[]>(
        'SELECT count(*) AS n FROM es_events WHERE stream_id = $1',
        stream.id,
      ),
    ).toEqual([{ n: 2n }]);
  } finally {
    await client.$disconnect();
  }
});

test('pgPool is refused for a client that is not on PostgreSQL', async () => {
  const client = openHostClient('sqlite');
  const pool = openHostPool(1);
  expect(() => createPrismaBackend(client, { pgPool: pool })).toThrow(InvalidArgumentError);
  expect(() => createPrismaBackend(client, { pgPool: pool })).toThrow(/pgPool is for PostgreSQL/);
  await Promise.all([client.$disconnect(), pool.end()]);
});

test('a client whose datasource provider cannot be read is refused, naming the option to pass', () => {
  // A wrapper that hides the generated client's provider (no `_activeProvider`).
  const client = openHostClient('postgres');
  const wrapped = {
    $queryRawUnsafe: client.$queryRawUnsafe.bind(client),
    $executeRawUnsafe: client.$executeRawUnsafe.bind(client),
    $transaction: client.$transaction.bind(client),
  };
  expect(() => createPrismaBackend(wrapped)).toThrow(InvalidArgumentError);
  expect(() => createPrismaBackend(wrapped)).toThrow(/pass \{ provider/);
  expect(createPrismaBackend(wrapped, { provider: 'postgresql' }).dialect).toBe('postgres');
  return client.$disconnect();
});
