import type { Event } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  type PostgresEventStore,
  postgreSQLEventStoreConsumer,
} from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import type { BenchConfig } from '../config.ts';
import type { Deposit } from '../fixtures.ts';
import type { BenchSystem } from '../system.ts';

type Deposited = Event<'Deposited', Deposit>;

/** How long Emmett's consumer may go without progress before its row is reported as not measured. */
const STALL_MS = 5_000;

/** The node-postgres type parsers Emmett's dumbo replaces for the whole process: int8, json, jsonb. */
const PARSED_TYPES = [20, 114, 3802] as const;
type Parsers = ReadonlyMap<number, (value: string) => unknown>;
const captureParsers = (): Parsers =>
  new Map(PARSED_TYPES.map((oid) => [oid, pg.types.getTypeParser(oid, 'text') as (value: string) => unknown]));
const restoreParsers = (parsers: Parsers) => {
  for (const [oid, parse] of parsers) pg.types.setTypeParser(oid, 'text', parse);
};

/**
 * The peer: Emmett's PostgreSQL event store (its own `emt_` tables, created by its migration)
 * through its public API. Emmett keeps no snapshots and has no outbox, so those workloads are
 * not run here and vsEmmett is null for them.
 */
export function emmettPostgres(config: BenchConfig): BenchSystem {
  let store: PostgresEventStore;
  let defaultParsers: Parsers = captureParsers();
  let emmettParsers: Parsers = defaultParsers;
  let catchUps = 0;
  const toEvents = (events: readonly Deposit[]): Deposited[] => events.map((data) => ({ type: 'Deposited', data }));

  return {
    name: 'emmett/postgres',
    role: 'peer',
    dialect: 'postgres',
    async open() {
      const before = captureParsers();
      store = getPostgreSQLEventStore(config.postgresUrl, { schema: { autoMigration: 'None' } });
      await store.schema.migrate();
      emmettParsers = captureParsers();
      defaultParsers = before;
      restoreParsers(defaultParsers);
    },
    enter: () => restoreParsers(emmettParsers),
    leave: () => restoreParsers(defaultParsers),
    async reset() {
      await store.schema.dangerous.truncate({ resetSequences: true, truncateProjections: true });
    },
    async analyze() {
      // Emmett's tables live in the bench database: one ANALYZE there covers them.
      const client = new pg.Client({ connectionString: config.postgresUrl });
      await client.connect();
      try {
        await client.query('ANALYZE');
        await client.query('CHECKPOINT');
      } finally {
        await client.end();
      }
    },
    close: () => store.close(),
    async append(stream, events, expectedVersion) {
      await store.appendToStream(stream, toEvents(events), { expectedStreamVersion: BigInt(expectedVersion) });
    },
    async readStream(stream) {
      return (await store.readStream<Deposited>(stream)).events.length;
    },
    /**
     * Emmett's consumer with one reactor from the beginning, stopping after the last event (its
     * `stopWhen.noMessagesLeft` stops at the first short batch, which a held-back horizon makes).
     * Its puller sleeps `pullingFrequencyInMs` (default 50 ms) between full batches; 0 here so
     * that the figure is its work, not its sleep. Its reactor stores the checkpoint per message.
     */
    async catchUp(batchSize, total, onBatch) {
      // A connection string of its own per run: Emmett's dumbo caches pools by connection string,
      // and a consumer closed after a stall leaves its ended pool in that cache for the next one.
      const connectionString = `${config.postgresUrl}?application_name=emmett_catch_up_${++catchUps}`;
      const consumer = postgreSQLEventStoreConsumer<Deposited>({
        connectionString,
        pulling: { batchSize, pullingFrequencyInMs: 0 },
      });
      let handled = 0;
      consumer.reactor<Deposited>({
        processorId: `bench-${Date.now()}`,
        // Its own connection string: without it, the processor's lock and checkpoint scope fails
        // ("missing connection string") outside the consumer's batches.
        connectionOptions: { connectionString },
        stopAfter: () => handled >= total,
        eachMessage: async () => {
          if (++handled % batchSize === 0) onBatch(batchSize);
        },
      });
      // Emmett 0.42's consumer has been seen to stop short of the log's end and never settle
      // (here: the last batch or so): once it makes no progress for a while, report the row as
      // not measured rather than wait for ever.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        let seen = -1;
        let idleSince = Date.now();
        timer = setInterval(() => {
          if (handled !== seen) {
            seen = handled;
            idleSince = Date.now();
          } else if (Date.now() - idleSince > STALL_MS) {
            reject(
              new Error(`its consumer handled ${handled} of ${total} events, then stalled for ${STALL_MS / 1000} s`),
            );
          }
        }, 250);
      });
      try {
        await Promise.race([consumer.start(), deadline]);
      } finally {
        clearInterval(timer);
        await Promise.race([consumer.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      }
      if (handled % batchSize !== 0) onBatch(handled % batchSize);
      return handled;
    },
  };
}
