import { createEventStore, type EventStoreBackend } from '@es/core';
import type { SqlBackend } from '@es/core/sql';
import { expect } from '@jest/globals';
import { uniqueId } from './context.js';
import { bankEvents, Deposited } from './fixtures.js';

export interface OpenedPostgresBackend {
  readonly backend: EventStoreBackend<unknown>;
  close(): Promise<void>;
}

/**
 * PostgreSQL only: with `preparedStatements` on (the default) an append's statements are
 * prepared on the connection that ran them, and with it off none is. `open` must create the
 * backend over a pool of its own, whose connections have not run the store's statements yet.
 */
export async function expectPreparedStatements(
  open: (preparedStatements: boolean) => Promise<OpenedPostgresBackend>,
  tablePrefix: string,
): Promise<void> {
  for (const preparedStatements of [true, false]) {
    const { backend, close } = await open(preparedStatements);
    try {
      const store = createEventStore({ backend, events: bankEvents });
      const stream = { category: 'account', id: uniqueId('prepared') };
      // One host transaction, so the catalog is read on the connection that ran the appends.
      const prepared = await (backend as SqlBackend<unknown>).connection.transaction(async (executor, handle) => {
        const joined = store.withTransaction(handle);
        await joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        await joined.append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
        expect(await joined.readStream(stream)).toHaveLength(2);
        return executor.query<{ name: string; statement: string }>(
          'SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE $1',
          [`%${tablePrefix}%`],
        );
      });
      if (!preparedStatements) {
        expect(prepared).toEqual([]);
        continue;
      }
      const preparedFor = (marker: string) =>
        prepared.filter((row) =>
          marker === 'SELECT' ? row.statement.trimStart().startsWith(marker) : row.statement.includes(marker),
        );
      // Each append is one statement (the version check of a new stream, then of an existing
      // one, with the insert), and the read one more.
      for (const marker of [
        `bumped AS (INSERT INTO ${tablePrefix}streams`,
        `bumped AS (UPDATE ${tablePrefix}streams`,
        'SELECT',
      ]) {
        expect({ marker, names: preparedFor(marker).map((row) => row.name) }).toEqual({
          marker,
          names: [expect.stringMatching(/^es_\d+$/)],
        });
      }
    } finally {
      await close();
    }
  }
}
