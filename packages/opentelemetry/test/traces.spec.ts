import {
  ConcurrencyError,
  createConsumer,
  createEventStore,
  createOutboxRelay,
  defineEvent,
  type RecordedEvent,
} from '@es/core';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import { openTelemetry, TRACEPARENT } from '../src/index.js';
import { databases, type OpenedDatabase } from './support/databases.ts';
import { renderTrace } from './support/renderTrace.ts';
import { TestTracing } from './support/sdk.ts';

const Deposited = defineEvent('Deposited', z.object({ amount: z.number() }));
const BalanceChanged = defineEvent('BalanceChanged', z.object({ balance: z.number() }));

const sdk = new TestTracing();
afterAll(() => sdk.shutdown());

/** The W3C traceparent of a finished span. */
const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
/** The span contexts a span links to, as `traceId-spanId`. */
const linkedTo = (span: ReadableSpan) => span.links.map((link) => `${link.context.traceId}-${link.context.spanId}`);
const idOf = (span: ReadableSpan) => `${span.spanContext().traceId}-${span.spanContext().spanId}`;
const only = (spans: ReadableSpan[]) => {
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
};

describe.each(databases)('on %s', (_, open) => {
  let database: OpenedDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.reset();
    sdk.spans.reset();
  });

  const storeWith = (telemetry = openTelemetry({ tracerProvider: sdk.tracerProvider })) =>
    createEventStore({ backend: database.backend, events: [Deposited, BalanceChanged], outbox: true, telemetry });

  /** A projection of the accounts' deposits that appends a balance change for each: its appends run in its batch. */
  const balancesProjection = (store: ReturnType<typeof storeWith>) =>
    createConsumer(store, {
      name: 'balances',
      categories: ['account'],
      async handle(events, { store: inBatch }) {
        for (const event of events) {
          await inBatch.append({ category: 'balance', id: event.stream.id }, BalanceChanged.create({ balance: 1 }), {
            expectedVersion: 'any',
          });
        }
      },
    });

  /** Runs `work` inside a span of the application's own (a request's, a job's), then ends it. */
  async function inSpan<T>(name: string, work: () => Promise<T>, kind = SpanKind.INTERNAL) {
    const span = sdk.tracerProvider.getTracer('app').startSpan(name, { kind });
    const result = await context.with(trace.setSpan(context.active(), span), work);
    span.end();
    return { result, span: only(sdk.spansNamed(name)) };
  }

  /** Work inside a request's server span, as an HTTP instrumentation would have started it. */
  async function inRequest<T>(work: () => Promise<T>): Promise<{ result: T; request: ReadableSpan }> {
    const { result, span } = await inSpan('POST /accounts/:id/deposits', work, SpanKind.SERVER);
    return { result, request: span };
  }

  test('an append is a client span under the request, and its events carry its trace context', async () => {
    const store = storeWith();
    const { result, request } = await inRequest(() =>
      store.append(
        { category: 'account', id: 'a-1' },
        [Deposited.create({ amount: 5 }), Deposited.create({ amount: 7 })],
        {
          expectedVersion: 'no_stream',
        },
      ),
    );
    const append = only(sdk.spansNamed('append account'));
    expect(append.kind).toBe(SpanKind.CLIENT);
    expect(append.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(append.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(append.attributes).toMatchObject({
      'db.system.name': database.backend.dialect === 'postgres' ? 'postgresql' : 'sqlite',
      'db.operation.name': 'append',
      'db.collection.name': 'account',
      'es.tenant': 'default',
      'es.stream.category': 'account',
      'es.stream.id': 'a-1',
      'es.event.count': 2,
      'es.append.expected_version': 'no_stream',
      'es.stream.version': 2,
      'es.log.position': Number(result.lastPosition),
      'es.append.outcome': 'appended',
    });
    expect(append.status.code).toBe(SpanStatusCode.UNSET);
    // Stored: read back from the database, both events carry the append span's context.
    const read = await store.readStream({ category: 'account', id: 'a-1' });
    expect(read.map((event) => event.metadata[TRACEPARENT])).toEqual([traceparentOf(append), traceparentOf(append)]);
    const readSpan = only(sdk.spansNamed('readStream account'));
    expect(readSpan.attributes).toMatchObject({ 'db.operation.name': 'readStream', 'db.response.returned_rows': 2 });
  });

  test("a caller's own traceparent is replaced by the append's; metadata the caller gave stays", async () => {
    const store = storeWith();
    const stale = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await store.append({ category: 'account', id: 'a-2' }, Deposited.create({ amount: 1 }), {
      expectedVersion: 'no_stream',
      metadata: { [TRACEPARENT]: stale, correlationId: 'c-1' },
    });
    const [event] = await store.readStream({ category: 'account', id: 'a-2' });
    expect(event?.metadata).toEqual({
      correlationId: 'c-1',
      [TRACEPARENT]: traceparentOf(only(sdk.spansNamed('append account'))),
    });
  });

  test('a refused append ends its span as an error (error.type CONCURRENCY, outcome conflict)', async () => {
    const store = storeWith();
    const stream = { category: 'account', id: 'a-3' };
    await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
    await expect(
      store.append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 'no_stream' }),
    ).rejects.toThrow(ConcurrencyError);
    const [, refused] = sdk.spansNamed('append account');
    expect(refused?.status.code).toBe(SpanStatusCode.ERROR);
    expect(refused?.attributes).toMatchObject({ 'error.type': 'CONCURRENCY', 'es.append.outcome': 'conflict' });
    expect(refused?.attributes['es.stream.version']).toBeUndefined();
    expect(refused?.events.map((event) => event.name)).toEqual(['exception']);
  });

  test('a consumer batch links to the appends of its events, and appends in its handler are its children', async () => {
    const store = storeWith();
    const { request } = await inRequest(async () => {
      await store.append({ category: 'account', id: 'a-4' }, Deposited.create({ amount: 5 }), {
        expectedVersion: 'no_stream',
      });
      await store.append(
        { category: 'account', id: 'a-5' },
        [Deposited.create({ amount: 2 }), Deposited.create({ amount: 3 })],
        {
          expectedVersion: 'no_stream',
        },
      );
    });
    const appends = sdk.spansNamed('append account');
    expect(appends).toHaveLength(2);
    const balances = balancesProjection(store);
    // Run from inside another span (a job's, a request's that started it): the batch is no child of it.
    const { result: handled, span: job } = await inSpan('nightly job', () => balances.catchUp());
    expect(handled).toBe(3);

    const batch = only(sdk.spansNamed('process balances'));
    expect(batch.kind).toBe(SpanKind.CONSUMER);
    expect(batch.parentSpanContext).toBeUndefined(); // a trace of its own, linked to the request's
    expect(batch.spanContext().traceId).not.toBe(job.spanContext().traceId);
    expect(batch.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(linkedTo(batch).sort()).toEqual(appends.map(idOf).sort());
    expect(batch.attributes).toMatchObject({
      'messaging.system': 'es',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.consumer.group.name': 'balances',
      'messaging.batch.message_count': 3,
      'es.consumer.batch.outcome': 'processed',
    });
    const written = sdk.spansNamed('append balance');
    expect(written).toHaveLength(3);
    for (const span of written) expect(span.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
    // The batch's idle round after it (catchUp stops on it) left no span.
    expect(sdk.spansNamed('process balances')).toHaveLength(1);
  });

  test('a relay publish is a producer span linked to the append of its event', async () => {
    const store = storeWith();
    await inRequest(() =>
      store.append(
        { category: 'account', id: 'a-6' },
        [Deposited.create({ amount: 5 }), Deposited.create({ amount: 6 })],
        {
          expectedVersion: 'no_stream',
        },
      ),
    );
    const append = only(sdk.spansNamed('append account'));
    const published: RecordedEvent[] = [];
    let fail = true;
    const relay = createOutboxRelay(store, {
      backoff: { baseMs: 1 },
      async publish(event) {
        // The publisher runs inside the publish span: a broker client instrumented with
        // OpenTelemetry (or a header it injects) continues from there.
        expect(trace.getActiveSpan()?.spanContext().spanId).toBeDefined();
        if (fail) {
          fail = false;
          throw new Error('broker unavailable');
        }
        published.push(event);
      },
    });
    const { span: job } = await inSpan('relay job', () => relay.drain());
    await new Promise((resolve) => setTimeout(resolve, 20)); // the failed row's retry comes due
    await relay.drain();
    expect(published.map((event) => event.version)).toEqual([1, 2]);

    const publishes = sdk.spansNamed('publish');
    expect(publishes.map((span) => span.attributes['es.outbox.publish.outcome'])).toEqual([
      'failed',
      'published',
      'published',
    ]);
    for (const span of publishes) {
      expect(span.kind).toBe(SpanKind.PRODUCER);
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).not.toBe(job.spanContext().traceId);
      expect(linkedTo(span)).toEqual([idOf(append)]);
    }
    const [failed, first] = publishes as [ReadableSpan, ReadableSpan];
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ 'error.type': 'Error', 'es.outbox.attempt': 1 });
    expect(first.attributes).toMatchObject({
      'messaging.system': 'es',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.message.id': published[0]?.id,
      'es.stream.category': 'account',
      'es.event.type': 'Deposited',
      'es.outbox.attempt': 2,
    });
  });

  test('one request followed from the HTTP call to the projection and the broker', async () => {
    const store = createEventStore({
      backend: database.backend,
      events: [Deposited, BalanceChanged],
      outbox: (_event, stream) => stream.category === 'account',
      telemetry: openTelemetry({ tracerProvider: sdk.tracerProvider }),
    });
    await inRequest(() =>
      store.append({ category: 'account', id: 'a-9' }, Deposited.create({ amount: 5 }), {
        expectedVersion: 'no_stream',
      }),
    );
    const balances = balancesProjection(store);
    await balances.catchUp();
    await createOutboxRelay(store, { publish: async () => {} }).drain();
    const attributes = [
      'es.stream.id',
      'es.stream.version',
      'messaging.batch.message_count',
      'es.outbox.publish.outcome',
    ];
    expect(renderTrace(sdk.finishedSpans(), { attributes })).toEqual([
      'trace 1',
      'POST /accounts/:id/deposits [SERVER]',
      '└─ append account [CLIENT]  es.stream.id=a-9  es.stream.version=1',
      'trace 2',
      'process balances [CONSUMER]  messaging.batch.message_count=1  links: append account (trace 1)',
      '└─ append balance [CLIENT]  es.stream.id=a-9  es.stream.version=1',
      'trace 3',
      'publish [PRODUCER]  es.stream.id=a-9  es.outbox.publish.outcome=published  links: append account (trace 1)',
    ]);
  });

  test('readAll is a client span with the rows it returned', async () => {
    const store = storeWith();
    await store.append({ category: 'account', id: 'a-7' }, Deposited.create({ amount: 1 }), {
      expectedVersion: 'no_stream',
    });
    await store.readAll({ categories: ['account'] });
    expect(only(sdk.spansNamed('readAll')).attributes).toMatchObject({
      'db.operation.name': 'readAll',
      'es.stream.category': ['account'],
      'db.response.returned_rows': 1,
    });
  });

  test('with the API only (no SDK behind it) nothing is recorded and no trace context is stored', async () => {
    const store = storeWith(openTelemetry()); // the global providers: the API's no-ops here
    await store.append({ category: 'account', id: 'a-8' }, Deposited.create({ amount: 1 }), {
      expectedVersion: 'no_stream',
      metadata: { correlationId: 'c-2' },
    });
    const [event] = await store.readStream({ category: 'account', id: 'a-8' });
    expect(event?.metadata).toEqual({ correlationId: 'c-2' });
    expect(sdk.finishedSpans()).toEqual([]);
  });
});
