/**
 * Every query the event browser runs to list streams, show a stream, find an event and page the
 * log uses an index the models ship: on PostgreSQL, over 200,000 events in 20,000 streams
 * generated in SQL (tables from drizzle-kit's migration of the shipped models), the statements
 * the handler sends are recorded as the driver gets them and EXPLAINed with their parameters; no
 * plan may hold a Seq Scan on the store's tables.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { type App, openApp } from '../../../cli/test/support/app.ts';
import { freshDatabase } from '../../../cli/test/support/databases.ts';
import type { EventResponse, LogResponse, StreamsResponse } from '../../dist/server/index.js';
import { type ServedEventBrowser, serveEventBrowser } from '../../dist/server/index.js';
import { request } from './support/http.ts';
import { DATABASE } from './support/seeded.ts';

const STREAMS = 20_000;
const EVENTS_PER_STREAM = 10;

/** 200,000 events in 20,000 streams of two categories and two tenants, each with a snapshot. */
const GENERATE = [
  `INSERT INTO es_events (transaction_id, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
   SELECT pg_current_xact_id()::text::bigint, gen_random_uuid(),
          CASE WHEN s % 10 = 0 THEN 'acme' ELSE 'default' END, CASE WHEN s % 2 = 0 THEN 'account' ELSE 'payment' END,
          'bulk-' || lpad(s::text, 5, '0'), v, 'Deposited', 1, jsonb_build_object('amount', v), '{}'::jsonb, now()
   FROM generate_series(0, ${STREAMS - 1}) s, generate_series(1, ${EVENTS_PER_STREAM}) v ORDER BY s, v`,
  `INSERT INTO es_streams (tenant_id, category, stream_id, version)
   SELECT DISTINCT tenant_id, category, stream_id, ${EVENTS_PER_STREAM} FROM es_events`,
  `INSERT INTO es_snapshots (tenant_id, category, stream_id, version, schema_version, state, taken_at)
   SELECT tenant_id, category, stream_id, version, 1, '{"balance":1}'::jsonb, now() FROM es_streams`,
  'ANALYZE',
];

const STORE_TABLES = /^es_(events|streams|snapshots|outbox|checkpoints)$/;

interface Recorded {
  readonly text: string;
  readonly values: unknown[];
}

/** The plan's nodes, depth first. */
function nodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  return [plan, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(nodes)];
}

describe('the event browser on PostgreSQL with 200,000 events', () => {
  let app: App;
  let served: ServedEventBrowser;
  let explainer: pg.Client;
  const recorded: Recorded[] = [];
  let recording = false;
  const query = pg.Client.prototype.query;

  beforeAll(async () => {
    const url = await freshDatabase('postgres', DATABASE);
    explainer = new pg.Client({ connectionString: url });
    await explainer.connect();
    for (const statement of GENERATE) await explainer.query(statement);
    app = await openApp('postgres', url);
    served = await serveEventBrowser({ ...app, port: 0 });
    // Every statement the store's pool sends while a request is recorded, as the driver gets it.
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
      if (recording && this !== explainer) {
        const text = typeof config === 'string' ? config : config.text;
        recorded.push({ text, values: (typeof config === 'string' ? values : (config.values ?? values)) ?? [] });
      }
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await served?.close();
    await app?.close();
    await explainer?.end();
  });

  /** The store's statements behind one request (transaction control left out). */
  async function statementsOf(path: string): Promise<{ body: unknown; statements: Recorded[] }> {
    recorded.length = 0;
    recording = true;
    const answer = await request(new URL(path, served.url).href);
    recording = false;
    expect(answer.status).toBe(200);
    const statements = recorded.filter((statement) => /\bes_[a-z_]+\b/.test(statement.text));
    return { body: answer.body, statements };
  }

  /** The scans on the store's tables of each statement's plan, e.g. `Index Scan es_streams`. */
  async function scans(statements: readonly Recorded[]): Promise<string[]> {
    const found: string[] = [];
    for (const statement of statements) {
      const { rows } = await explainer.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
      const [document] = rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[];
      for (const node of nodes(document?.Plan ?? {})) {
        const relation = node['Relation Name'];
        if (typeof relation !== 'string' || !STORE_TABLES.test(relation)) continue;
        const scan = `${node['Node Type']} ${relation}`;
        // a full scan names its statement, so a failure says which query lacks its index
        found.push(scan.startsWith('Seq Scan') ? `${scan}: ${statement.text.replace(/\s+/g, ' ')}` : scan);
      }
    }
    return found;
  }

  const noSeqScan = (found: readonly string[]) => {
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
  };

  test('a page of streams of a category, the next page, and a search by id prefix', async () => {
    const first = await statementsOf('api/streams?tenant=default&category=payment&limit=50');
    const next = (first.body as StreamsResponse).next ?? '';
    expect((first.body as StreamsResponse).streams).toHaveLength(50);
    const second = await statementsOf(
      `api/streams?tenant=default&category=payment&limit=50&after=${encodeURIComponent(next)}`,
    );
    const search = await statementsOf('api/streams?tenant=default&category=account&search=bulk-1234');
    expect((search.body as StreamsResponse).streams.map((stream) => stream.id)).toEqual([
      'bulk-12342',
      'bulk-12344',
      'bulk-12346',
      'bulk-12348',
    ]);
    const everyTenant = await statementsOf('api/streams?limit=50');
    noSeqScan(
      await scans([...first.statements, ...second.statements, ...search.statements, ...everyTenant.statements]),
    );
  });

  test("a stream's page with its snapshot, and an event by id", async () => {
    const page = await statementsOf('api/stream?tenant=default&category=account&id=bulk-00042&fromVersion=3&limit=5');
    noSeqScan(await scans(page.statements));
    const { rows } = await explainer.query(
      "SELECT event_id FROM es_events WHERE stream_id = 'bulk-00042' AND stream_version = 7",
    );
    const byId = await statementsOf(`api/events/${rows[0].event_id}`);
    expect((byId.body as EventResponse).event.version).toBe(7);
    noSeqScan(await scans(byId.statements));
  });

  test("pages of the log, from its start, a cursor, its tail, and one tenant's", async () => {
    const first = await statementsOf('api/log?limit=100');
    const next = (first.body as LogResponse).next;
    const second = await statementsOf(`api/log?limit=100&after=${next}`);
    const tail = await statementsOf('api/log?tail=50');
    expect((tail.body as LogResponse).events).toHaveLength(50);
    const tenant = await statementsOf('api/log?tenant=acme&limit=100');
    noSeqScan(await scans([...first.statements, ...second.statements, ...tail.statements, ...tenant.statements]));
  });

  test('categories with their stream counts', async () => {
    const { statements } = await statementsOf('api/categories');
    noSeqScan(await scans(statements));
  });
});
