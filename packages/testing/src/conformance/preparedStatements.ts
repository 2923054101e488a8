import { createEventStore, createOutboxRelay, type EventStoreBackend } from '@es/core';
import type { SqlBackend } from '@es/core/sql';
import { expect } from '@jest/globals';
import { uniqueId } from './context.js';
import { bankEvents, Deposited, enrolmentEvents, UsernameClaimed } from './fixtures.js';

export interface OpenedPostgresBackend {
  readonly backend: EventStoreBackend<unknown>;
  close(): Promise<void>;
}

/**
 * PostgreSQL only: with `preparedStatements` on (the default) an append's statements, a query
 * read's, a conditional append's (the condition's locks and check) and an outbox relay batch's are
 * prepared on the connection that ran them, and with it off none is. `open` must create the
 * backend over a pool of its own with ONE connection (so the catalog is read on the connection
 * that ran them all), which has not run the store's statements yet.
 */
export async function expectPreparedStatements(
  open: (preparedStatements: boolean) => Promise<OpenedPostgresBackend>,
  tablePrefix: string,
): Promise<void> {
  for (const preparedStatements of [true, false]) {
    const { backend, close } = await open(preparedStatements);
    try {
      const store = createEventStore({ backend, events: [...bankEvents, ...enrolmentEvents], outbox: true });
      const stream = { category: 'account', id: uniqueId('prepared') };
      const { connection } = backend as SqlBackend<unknown>;
      await connection.transaction(async (_executor, handle) => {
        const joined = store.withTransaction(handle);
        await joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        await joined.append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
        expect(await joined.readStream(stream)).toHaveLength(2);
        const query = [{ types: ['UsernameClaimed' as const], tags: [`username:${stream.id}`] }];
        const read = await joined.read(query);
        await joined.append(UsernameClaimed.create({ username: stream.id }), {
          condition: { failIfEventsMatch: query, after: read.next },
        });
      });
      const published: string[] = [];
      const relay = createOutboxRelay(store, { publish: async (event) => void published.push(event.id) });
      await relay.processBatch();
      expect(published).toHaveLength(3);
      // The condition's locks name no table.
      const prepared = await connection.transaction((executor) =>
        executor.query<{ name: string; statement: string }>(
          'SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE $1 OR statement LIKE $2',
          [`%${tablePrefix}%`, '%pg_advisory_xact_lock(k)%'],
        ),
      );
      if (!preparedStatements) {
        expect(prepared).toEqual([]);
        continue;
      }
      const preparedFor = (marker: string) => prepared.filter((row) => row.statement.includes(marker));
      // Each append is one statement (the version check of a new stream, then of an existing
      // one, with the insert; the conditional append's to a new stream writes its tags too), the
      // stream read one more; the query read one, and the conditional append its locks and its
      // check before its own statement.
      const expected: [marker: string, statements: number][] = [
        [`bumped AS (INSERT INTO ${tablePrefix}streams`, 2],
        [`bumped AS (UPDATE ${tablePrefix}streams`, 1],
        ['ORDER BY stream_version ASC', 1],
        [', m AS (SELECT', 1],
        ['pg_advisory_xact_lock(k) ELSE', 1],
        ["current_setting('transaction_isolation') AS isolation", 1],
        // The relay's batch: its rows locked, claimed, read with their events, and deleted.
        [`SELECT id FROM ${tablePrefix}outbox WHERE id = ANY(`, 1],
        [`UPDATE ${tablePrefix}outbox SET claimed_by`, 1],
        ['WHERE o.id = ANY(', 1],
        [`DELETE FROM ${tablePrefix}outbox WHERE id = ANY(`, 1],
      ];
      for (const [marker, statements] of expected) {
        expect({ marker, names: preparedFor(marker).map((row) => row.name) }).toEqual({
          marker,
          names: Array(statements).fill(expect.stringMatching(/^es_\d+$/)),
        });
      }
    } finally {
      await close();
    }
  }
}
