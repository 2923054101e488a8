import { causedBy, type RecordedEvent } from '@es/core';
import { type App, Deposited, type Dialect, openApp } from '../../../../cli/test/support/app.ts';
import { freshDatabase } from '../../../../cli/test/support/databases.ts';
import { seedSmall } from '../../../../cli/test/support/scenario.ts';

/** The database the package's tests use on the servers (scripts/databases.sh creates it). */
export const DATABASE = 'es_ui';

export interface Seeded {
  readonly app: App;
  /** seedSmall's events: a-1 (opened, deposited), p-1 (its outbox row dead), p-2 (pending), acme's a-9, a-2. */
  readonly recorded: RecordedEvent[];
  /** A deposit to account/a-3 caused by p-1's payment request (its correlation and causation ids). */
  readonly caused: RecordedEvent;
}

/**
 * The es command's test application (Drizzle, tables from drizzle-kit's migration SQL) in a
 * fresh es_ui database, seeded, plus one event caused by another.
 */
export async function seeded(dialect: Dialect): Promise<Seeded> {
  const app = await openApp(dialect, await freshDatabase(dialect, DATABASE));
  const recorded = await seedSmall(app);
  const cause = recorded[2] as RecordedEvent;
  const { events } = await app.store.append({ category: 'account', id: 'a-3' }, Deposited.create({ amount: 9 }), {
    expectedVersion: 'no_stream',
    metadata: causedBy(cause),
  });
  return { app, recorded, caused: events[0] as RecordedEvent };
}
