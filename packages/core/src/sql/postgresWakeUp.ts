import type { TableNames } from './tables.js';
import { tableNames } from './tables.js';

/** The channel appends notify on (`createSqlBackend({ notify: true })`). */
export function notificationChannel(tables: TableNames): string {
  return tables.events;
}

/** The part of a node-postgres `Client` a listener needs (pg itself is the host's dependency). */
export interface PgListenClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}

/**
 * A consumer's `wakeUp` option on PostgreSQL: LISTENs on a dedicated connection and wakes the
 * consumer when an append commits. Only a hint: the consumer still reads by position, so a lost
 * notification (or connection) only means waiting for the next poll.
 *
 * ```ts
 * createConsumer(store, { ..., wakeUp: postgresWakeUp(() => new pg.Client(url)) });
 * ```
 */
export function postgresWakeUp(createClient: () => PgListenClient, options: { tablePrefix?: string } = {}) {
  const channel = notificationChannel(tableNames(options.tablePrefix));
  return async (wake: () => void): Promise<() => Promise<void>> => {
    const client = createClient();
    client.on('error', () => wake());
    await client.connect();
    client.on('notification', (message) => {
      if (message.channel === channel) wake();
    });
    await client.query(`LISTEN ${channel}`);
    return () => client.end();
  };
}
