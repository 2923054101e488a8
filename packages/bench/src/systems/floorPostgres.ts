import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BenchConfig } from '../config.ts';
import { type Account, applyDeposit, type Deposit } from '../fixtures.ts';
import { resetSql, storeTables, storeTablesSql } from '../schema.ts';
import type { BenchSystem, ImportedStream } from '../system.ts';

const PREFIX = 'fl_';
const TENANT = 'default';
const CATEGORY = 'bench';
const EVENT_COLUMNS =
  'position, transaction_id, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at';
/** A stream read's columns: the stream's key is the query's. */
const STREAM_EVENT_COLUMNS =
  'position, transaction_id, event_id, stream_version, type, schema_version, data, metadata, recorded_at';

/**
 * The floor on PostgreSQL: the same tables as @es, written with node-postgres and the least SQL
 * that does the same work: the version check and the event insert with the writing
 * transaction's id, as one statement (the insert reads from the check, so a failed check inserts
 * nothing), atomic on its own with no BEGIN or COMMIT around it, as the store's append is. The
 * inserts bind arrays (`unnest`) so that their text is the same for any batch; every statement of
 * an append runs as a named prepared statement.
 */
export function floorPostgres(config: BenchConfig): BenchSystem {
  const t = storeTables(PREFIX);
  // The version check, as the first part of the append statement (a new stream, an existing one).
  const CREATE_STREAM = `INSERT INTO ${t.streams} (tenant_id, category, stream_id, version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING version`;
  const BUMP_STREAM = `UPDATE ${t.streams} SET version = version + $4 WHERE tenant_id = $1 AND category = $2 AND stream_id = $3 AND version = $9 RETURNING version`;
  // One statement text for any batch size (arrays, not VALUES lists), prepared once per connection.
  const appendEvents = (check: string) => `WITH checked AS (${check})
    INSERT INTO ${t.events} (transaction_id, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
    SELECT pg_current_xact_id()::text::bigint, e.id, $1, $2, $3, e.version, 'Deposited', 1, e.data, '{}', $5::timestamptz
    FROM checked, unnest($6::uuid[], $7::int[], $8::jsonb[]) AS e(id, version, data)
    RETURNING position, event_id, stream_version`;
  const CREATE_AND_INSERT = appendEvents(CREATE_STREAM);
  const BUMP_AND_INSERT = appendEvents(BUMP_STREAM);
  const INSERT_OUTBOX = `INSERT INTO ${t.outbox} (position, event_id, tenant_id, category, stream_id, stream_version, next_attempt_at, created_at)
    SELECT o.position, o.event_id, $1, $2, $3, o.version, $4::timestamptz, $4::timestamptz
    FROM unnest($5::bigint[], $6::uuid[], $7::int[]) AS o(position, event_id, version)`;
  let pool: pg.Pool;

  /**
   * A DCB conditional append with the least SQL keeping the guarantee between conditional
   * appenders: in one transaction, an exclusive advisory lock on the tag's key, then the check
   * and the inserts (the stream row of the append's own stream, the event, its tag row) as one
   * statement, whose READ COMMITTED snapshot sees what the lock's previous holder committed.
   * (It does not take the shared locks with which @es's plain appends also respect conditions.)
   */
  const CONDITIONAL_APPEND = `WITH ok AS (
      SELECT NOT EXISTS (SELECT 1 FROM ${t.tags} WHERE tenant_id = $1 AND tag = $2 AND type = 'Deposited' AND (transaction_id, position) > ($3::bigint, $4::bigint)) AS ok),
    stream AS (INSERT INTO ${t.streams} (tenant_id, category, stream_id, version) SELECT $1, '$dcb', $5, 1 FROM ok WHERE ok RETURNING version),
    event AS (
      INSERT INTO ${t.events} (transaction_id, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
      SELECT pg_current_xact_id()::text::bigint, $6::uuid, $1, '$dcb', $5, 1, 'Deposited', 1, $7::jsonb, '{}', now() FROM stream
      RETURNING transaction_id, position)
    INSERT INTO ${t.tags} (transaction_id, position, tenant_id, tag, type)
    SELECT transaction_id, position, $1, $2, 'Deposited' FROM event RETURNING transaction_id, position`;

  /** The version check and the event insert as one statement, on `client`. */
  async function insertEvents(
    client: pg.Pool | pg.PoolClient,
    stream: string,
    events: readonly Deposit[],
    expected: number,
  ) {
    const recordedAt = new Date().toISOString();
    const values = [
      TENANT,
      CATEGORY,
      stream,
      events.length,
      recordedAt,
      events.map(() => randomUUID()),
      events.map((_, index) => expected + index + 1),
    ];
    const data = events.map((event) => JSON.stringify(event));
    const inserted = await client.query<{ position: string; event_id: string; stream_version: number }>(
      expected === 0
        ? { name: `${PREFIX}create_and_insert`, text: CREATE_AND_INSERT, values: [...values, data] }
        : { name: `${PREFIX}bump_and_insert`, text: BUMP_AND_INSERT, values: [...values, data, expected] },
    );
    if (inserted.rowCount !== events.length) throw new Error(`version conflict on ${stream}`);
    return { inserted, recordedAt };
  }

  /** BEGIN, `work`, COMMIT on one pooled client (ROLLBACK when it throws). */
  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Without outbox rows the append is that one statement, atomic on its own (autocommit), as the
   * store's is; with them, both inserts in one transaction.
   */
  async function append(stream: string, events: readonly Deposit[], expected: number, withOutbox: boolean) {
    if (!withOutbox) {
      await insertEvents(pool, stream, events, expected);
      return;
    }
    await transaction(async (client) => {
      const { inserted, recordedAt } = await insertEvents(client, stream, events, expected);
      await client.query({
        name: `${PREFIX}insert_outbox`,
        text: INSERT_OUTBOX,
        values: [
          TENANT,
          CATEGORY,
          stream,
          recordedAt,
          inserted.rows.map((row) => row.position),
          inserted.rows.map((row) => row.event_id),
          inserted.rows.map((row) => row.stream_version),
        ],
      });
    });
  }

  /** A COPY text-format field: backslashes doubled, and the characters that end a field or row escaped. */
  const copyField = (text: string) =>
    text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);

  /**
   * Bulk import with the fastest raw path: in one transaction, the stream rows as one unnest
   * insert (each new, at its final version), then the events by COPY, carrying the transaction's id.
   */
  async function importStreams(streams: readonly ImportedStream[]): Promise<number> {
    return transaction(async (client) => {
      const { rows } = await client.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x');
      const transactionId = rows[0]?.x as string;
      const created = await client.query({
        name: `${PREFIX}import_streams`,
        text: `INSERT INTO ${t.streams} (tenant_id, category, stream_id, version) SELECT $1, $2, s.id, s.version FROM unnest($3::text[], $4::int[]) AS s(id, version) ON CONFLICT DO NOTHING`,
        values: [TENANT, CATEGORY, streams.map((s) => s.id), streams.map((s) => s.events.length)],
      });
      if (created.rowCount !== streams.length) throw new Error('version conflict in the import');
      const recordedAt = new Date().toISOString();
      const lines: string[] = [];
      for (const { id, events } of streams) {
        const stream = copyField(id);
        events.forEach((event, index) => {
          lines.push(
            `${transactionId}\t${randomUUID()}\t${TENANT}\t${CATEGORY}\t${stream}\t${index + 1}\tDeposited\t1\t${copyField(JSON.stringify(event))}\t{}\t${recordedAt}\n`,
          );
        });
      }
      await pipeline(
        Readable.from([lines.join('')]),
        client.query(
          copyFrom(
            `COPY ${t.events} (transaction_id, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at) FROM STDIN`,
          ),
        ),
      );
      return lines.length;
    });
  }

  return {
    name: 'floor/postgres',
    role: 'floor',
    dialect: 'postgres',
    async open() {
      pool = new pg.Pool({ connectionString: config.postgresUrl, max: 10 });
      for (const statement of await storeTablesSql('postgres', PREFIX)) await pool.query(statement);
    },
    async reset() {
      for (const statement of resetSql('postgres', PREFIX)) await pool.query(statement);
    },
    async roundTrip(inTransaction) {
      if (inTransaction) await transaction((client) => client.query('SELECT 1'));
      else await pool.query('SELECT 1');
    },
    analyze: async () => {
      await pool.query('ANALYZE');
      await pool.query('CHECKPOINT');
    },
    close: () => pool.end(),
    append: (stream, events, expected) => append(stream, events, expected, false),
    importStreams,
    async appendInTransaction(stream, events, expected) {
      await transaction((client) => insertEvents(client, stream, events, expected));
    },
    async conditionalAppend(tag, after) {
      const cursor = after ?? { transactionId: 0n, position: 0n };
      return transaction(async (client) => {
        await client.query({
          name: `${PREFIX}lock_tag`,
          text: `SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(31) || 'tag' || chr(31) || $2, 0))`,
          values: [TENANT, tag],
        });
        const { rows } = await client.query<{ transaction_id: string; position: string }>({
          name: `${PREFIX}conditional_append`,
          text: CONDITIONAL_APPEND,
          values: [
            TENANT,
            tag,
            String(cursor.transactionId),
            String(cursor.position),
            randomUUID(),
            randomUUID(),
            JSON.stringify({ amount: 1, note: 'bench deposit' }),
          ],
        });
        const [row] = rows;
        if (!row) throw new Error(`append condition failed on ${tag}`);
        return { transactionId: BigInt(row.transaction_id), position: BigInt(row.position) };
      });
    },
    async readStream(stream) {
      const { rows } = await pool.query(
        `SELECT ${STREAM_EVENT_COLUMNS} FROM ${t.events} WHERE tenant_id = $1 AND category = $2 AND stream_id = $3 ORDER BY stream_version`,
        [TENANT, CATEGORY, stream],
      );
      return rows.length;
    },
    snapshots: {
      async save(stream, version, state) {
        await pool.query(
          `INSERT INTO ${t.snapshots} (tenant_id, category, stream_id, version, schema_version, state, taken_at) VALUES ($1, $2, $3, $4, 1, $5, now())
           ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state`,
          [TENANT, CATEGORY, stream, version, JSON.stringify(state)],
        );
      },
      async load(stream) {
        const key = [TENANT, CATEGORY, stream];
        const snapshot = await pool.query<{ version: number; state: Account }>(
          `SELECT version, state FROM ${t.snapshots} WHERE tenant_id = $1 AND category = $2 AND stream_id = $3`,
          key,
        );
        const from = snapshot.rows[0]?.version ?? 0;
        const events = await pool.query<{ stream_version: number; data: Deposit }>(
          `SELECT stream_version, data FROM ${t.events} WHERE tenant_id = $1 AND category = $2 AND stream_id = $3 AND stream_version > $4 ORDER BY stream_version`,
          [...key, from],
        );
        const state = events.rows.reduce((acc, row) => applyDeposit(acc, row.data), snapshot.rows[0]?.state as Account);
        return { version: events.rows.at(-1)?.stream_version ?? from, state };
      },
    },
    /** Per batch, one transaction: the gap-safe read below the snapshot's xmin, then the checkpoint. */
    async catchUp(batchSize, total, onBatch) {
      await pool.query(`INSERT INTO ${t.checkpoints} (consumer, updated_at) VALUES ('bench', now())`);
      let cursor: [string, string] = ['0', '0'];
      let handled = 0;
      for (;;) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ transaction_id: string; position: string }>(
            `SELECT ${EVENT_COLUMNS} FROM ${t.events}
             WHERE (transaction_id, position) > ($1, $2) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
             ORDER BY transaction_id, position LIMIT $3`,
            [...cursor, batchSize],
          );
          const last = rows.at(-1);
          if (last) {
            cursor = [last.transaction_id, last.position];
            await client.query(
              `UPDATE ${t.checkpoints} SET transaction_id = $1, position = $2, updated_at = now() WHERE consumer = 'bench'`,
              cursor,
            );
          }
          await client.query('COMMIT');
          if (rows.length > 0) onBatch(rows.length);
          handled += rows.length;
          if (handled >= total) return handled;
        } finally {
          client.release();
        }
      }
    },
    outbox: {
      append: (stream, events, expected) => append(stream, events, expected, true),
      /** Per batch: claim due rows with SKIP LOCKED and read their events (one statement), publish, delete. */
      async drain(batchSize, onBatch) {
        let published = 0;
        for (;;) {
          const { rows } = await pool.query<{ id: string }>(
            `WITH claimed AS (
               UPDATE ${t.outbox} SET claimed_by = 'floor', next_attempt_at = now() + interval '30 seconds', attempts = attempts + 1
               WHERE id IN (SELECT id FROM ${t.outbox} WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
               RETURNING id, position)
             SELECT c.id, e.* FROM claimed c JOIN ${t.events} e ON e.position = c.position ORDER BY c.id`,
            [batchSize],
          );
          if (rows.length === 0) return published;
          for (const _row of rows) await noopPublish();
          await pool.query(`DELETE FROM ${t.outbox} WHERE id = ANY($1::bigint[]) AND claimed_by = 'floor'`, [
            rows.map((row) => row.id),
          ]);
          published += rows.length;
          onBatch(rows.length);
        }
      },
    },
  };
}

const noopPublish = async () => {};
