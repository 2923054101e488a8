import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type BenchConfig, sqliteFile } from '../config.ts';
import { type Account, applyDeposit, type Deposit } from '../fixtures.ts';
import { resetSql, storeTables, storeTablesSql } from '../schema.ts';
import type { BenchSystem } from '../system.ts';

const PREFIX = 'fl_';
const TENANT = 'default';
const CATEGORY = 'bench';
const EVENT_COLUMNS =
  'position, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at';
/** A stream read's columns: the stream's key is the query's. */
const STREAM_EVENT_COLUMNS = 'position, event_id, stream_version, type, schema_version, data, metadata, recorded_at';

/**
 * The floor on SQLite: better-sqlite3 with its (cached) prepared statements, the same tables as
 * @es, and the version check plus the inserts in one `BEGIN IMMEDIATE` transaction.
 */
export function floorSqlite(config: BenchConfig): BenchSystem {
  const t = storeTables(PREFIX);
  const file = sqliteFile(config, 'floor');
  let db: Database.Database;
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  function append(stream: string, events: readonly Deposit[], expected: number, withOutbox: boolean) {
    prepared('BEGIN IMMEDIATE').run();
    try {
      const bumped =
        expected === 0
          ? prepared(
              `INSERT INTO ${t.streams} (tenant_id, category, stream_id, version) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
            ).run(TENANT, CATEGORY, stream, events.length)
          : prepared(
              `UPDATE ${t.streams} SET version = version + ? WHERE tenant_id = ? AND category = ? AND stream_id = ? AND version = ?`,
            ).run(events.length, TENANT, CATEGORY, stream, expected);
      if (bumped.changes !== 1) throw new Error(`version conflict on ${stream}`);
      const now = new Date().toISOString();
      const insert = prepared(
        `INSERT INTO ${t.events} (event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, 'Deposited', 1, ?, '{}', ?)`,
      );
      const outbox = prepared(
        `INSERT INTO ${t.outbox} (position, event_id, tenant_id, category, stream_id, stream_version, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      events.forEach((event, index) => {
        const id = randomUUID();
        const version = expected + index + 1;
        const { lastInsertRowid } = insert.run(id, TENANT, CATEGORY, stream, version, JSON.stringify(event), now);
        if (withOutbox) outbox.run(lastInsertRowid, id, TENANT, CATEGORY, stream, version, now, now);
      });
      prepared('COMMIT').run();
    } catch (error) {
      prepared('ROLLBACK').run();
      throw error;
    }
  }

  /** Bulk import: prepared inserts, one row each, in one `BEGIN IMMEDIATE` transaction. */
  function importStreams(streams: readonly { id: string; events: readonly Deposit[] }[]): number {
    const createStream = prepared(
      `INSERT INTO ${t.streams} (tenant_id, category, stream_id, version) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const insert = prepared(
      `INSERT INTO ${t.events} (event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, 'Deposited', 1, ?, '{}', ?)`,
    );
    prepared('BEGIN IMMEDIATE').run();
    try {
      const now = new Date().toISOString();
      let written = 0;
      for (const { id, events } of streams) {
        if (createStream.run(TENANT, CATEGORY, id, events.length).changes !== 1) {
          throw new Error(`version conflict on ${id}`);
        }
        events.forEach((event, index) => {
          insert.run(randomUUID(), TENANT, CATEGORY, id, index + 1, JSON.stringify(event), now);
        });
        written += events.length;
      }
      prepared('COMMIT').run();
      return written;
    } catch (error) {
      prepared('ROLLBACK').run();
      throw error;
    }
  }

  return {
    name: 'floor/sqlite',
    role: 'floor',
    dialect: 'sqlite',
    async open() {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      for (const statement of await storeTablesSql('sqlite', PREFIX)) db.exec(statement);
    },
    async reset() {
      for (const statement of resetSql('sqlite', PREFIX)) db.exec(statement);
    },
    async roundTrip(inTransaction) {
      if (inTransaction) prepared('BEGIN IMMEDIATE').run();
      prepared('SELECT 1').get();
      if (inTransaction) prepared('COMMIT').run();
    },
    async analyze() {
      db.exec('ANALYZE');
    },
    async close() {
      db.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
    async append(stream, events, expected) {
      append(stream, events, expected, false);
    },
    // The append is its own BEGIN IMMEDIATE ... COMMIT already: the least SQL either way.
    async appendInTransaction(stream, events, expected) {
      append(stream, events, expected, false);
    },
    async importStreams(streams) {
      return importStreams(streams);
    },
    async readStream(stream) {
      return prepared(
        `SELECT ${STREAM_EVENT_COLUMNS} FROM ${t.events} WHERE tenant_id = ? AND category = ? AND stream_id = ? ORDER BY stream_version`,
      )
        .all(TENANT, CATEGORY, stream)
        .map((row) => JSON.parse((row as { data: string }).data)).length;
    },
    snapshots: {
      async save(stream, version, state) {
        prepared(
          `INSERT INTO ${t.snapshots} (tenant_id, category, stream_id, version, schema_version, state, taken_at) VALUES (?, ?, ?, ?, 1, ?, ?)
           ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = excluded.version, state = excluded.state`,
        ).run(TENANT, CATEGORY, stream, version, JSON.stringify(state), new Date().toISOString());
      },
      async load(stream) {
        const snapshot = prepared(
          `SELECT version, state FROM ${t.snapshots} WHERE tenant_id = ? AND category = ? AND stream_id = ?`,
        ).get(TENANT, CATEGORY, stream) as { version: number; state: string } | undefined;
        const from = snapshot?.version ?? 0;
        const rows = prepared(
          `SELECT stream_version, data FROM ${t.events} WHERE tenant_id = ? AND category = ? AND stream_id = ? AND stream_version > ? ORDER BY stream_version`,
        ).all(TENANT, CATEGORY, stream, from) as { stream_version: number; data: string }[];
        const initial = JSON.parse(snapshot?.state ?? '{"balance":0,"deposits":0}') as Account;
        const state = rows.reduce((acc, row) => applyDeposit(acc, JSON.parse(row.data) as Deposit), initial);
        return { version: rows.at(-1)?.stream_version ?? from, state };
      },
    },
    /** Per batch, one transaction: read after the checkpoint (positions commit in order), move it. */
    async catchUp(batchSize, total, onBatch) {
      prepared(`INSERT INTO ${t.checkpoints} (consumer, updated_at) VALUES ('bench', ?)`).run(new Date().toISOString());
      const read = prepared(`SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE position > ? ORDER BY position LIMIT ?`);
      const store = prepared(`UPDATE ${t.checkpoints} SET position = ?, updated_at = ? WHERE consumer = 'bench'`);
      let cursor = 0;
      let handled = 0;
      for (;;) {
        const rows = db
          .transaction(() => {
            const page = read.all(cursor, batchSize) as { position: number; data: string }[];
            for (const row of page) JSON.parse(row.data);
            const last = page.at(-1);
            if (last) store.run(last.position, new Date().toISOString());
            return page;
          })
          .immediate();
        cursor = rows.at(-1)?.position ?? cursor;
        handled += rows.length;
        if (rows.length > 0) onBatch(rows.length);
        if (handled >= total) return handled;
        // Yield like an async consumer would between batches.
        await new Promise(setImmediate);
      }
    },
    outbox: {
      async append(stream, events, expected) {
        append(stream, events, expected, true);
      },
      /** Per batch: claim and read (one transaction), publish outside it, delete. */
      async drain(batchSize, onBatch) {
        const claim = prepared(
          `UPDATE ${t.outbox} SET claimed_by = 'floor', attempts = attempts + 1 WHERE id IN (SELECT id FROM ${t.outbox} WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?) RETURNING id, position`,
        );
        const read = prepared(`SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE position = ?`);
        const remove = prepared(`DELETE FROM ${t.outbox} WHERE id = ? AND claimed_by = 'floor'`);
        let published = 0;
        for (;;) {
          const rows = db
            .transaction(() => {
              const claimed = claim.all(new Date().toISOString(), batchSize) as { id: number; position: number }[];
              return claimed.map((row) => ({ id: row.id, event: read.get(row.position) }));
            })
            .immediate();
          if (rows.length === 0) return published;
          for (const _row of rows) await noopPublish();
          db.transaction(() => {
            for (const row of rows) remove.run(row.id);
          }).immediate();
          published += rows.length;
          onBatch(rows.length);
        }
      },
    },
  };
}

const noopPublish = async () => {};
