import {
  ConcurrencyError,
  createConsumer,
  DuplicateEventIdError,
  type EventInputOf,
  EventValidationError,
  type ImportProgress,
  type ImportStream,
  InvalidStreamError,
  type RecordedEvent,
  uuidv7,
} from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId, waitFor } from '../context.js';
import { type BankEventDefinition, Deposited, KitError } from '../fixtures.js';

type BankImport = ImportStream<EventInputOf<BankEventDefinition>>;

/** `streams` streams of `perStream` deposits each, numbered so that a read-back can be compared. */
function history(streams: number, perStream: number, category = 'imported'): BankImport[] {
  const run = uniqueId('import');
  return Array.from({ length: streams }, (_, s) => ({
    stream: { category, id: `${run}-${s}` },
    events: Array.from({ length: perStream }, (_, e) => Deposited.create({ amount: s * 1000 + e + 1 })),
  }));
}

const amounts = (events: readonly RecordedEvent[]) => events.map((event) => (event.data as { amount: number }).amount);
const streamIdOf = (stream: BankImport) => stream.stream.id;

export function importSuite<H>(ctx: SuiteContext<H>): void {
  describe('bulk import', () => {
    it('imports many streams over several batches, read back identical in stream and log order', async () => {
      const store = ctx.store();
      const source = history(40, 25);
      const result = await store.import(source, { batchSize: 120 });
      expect(result.streams).toBe(40);
      expect(result.events).toBe(1000);
      for (const item of source) {
        const events = await store.readStream(item.stream);
        expect(events.map((e) => e.version)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        expect(amounts(events)).toEqual(item.events.map((e) => (e.data as { amount: number }).amount));
      }
      const log = (await store.readAll({ limit: 5000 })).events;
      expect(log).toHaveLength(1000);
      // The log holds the streams in the order they were imported, each stream's events in order.
      expect(amounts(log)).toEqual(
        source.flatMap((item) => item.events.map((e) => (e.data as { amount: number }).amount)),
      );
      for (let i = 1; i < log.length; i++) expect(log[i]!.position > log[i - 1]!.position).toBe(true);
      expect(result.lastPosition).toBe(log.at(-1)!.position);
    });

    it('takes an async iterable, and reports progress after each batch', async () => {
      const store = ctx.store();
      const source = history(10, 7);
      async function* read() {
        for (const item of source) yield item;
      }
      const progress: ImportProgress[] = [];
      const result = await store.import(read(), { batchSize: 20, onProgress: (p) => progress.push(p) });
      // 7 events a stream, at most 20 a batch: 2 streams a batch.
      expect(progress.map((p) => [p.streams, p.events])).toEqual([
        [2, 14],
        [4, 28],
        [6, 42],
        [8, 56],
        [10, 70],
      ]);
      expect(progress.at(-1)).toEqual(result);
      const positions = progress.map((p) => p.lastPosition as bigint);
      for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
    });

    it('appends to an existing stream at its version, and refuses a wrong one naming the stream with nothing of the batch written', async () => {
      const store = ctx.store();
      const existing = { category: 'imported', id: uniqueId('existing') };
      await store.append(existing, [Deposited.create({ amount: 1 }), Deposited.create({ amount: 2 })], {
        expectedVersion: 'no_stream',
      });
      await store.import([{ stream: existing, expectedVersion: 2, events: [Deposited.create({ amount: 3 })] }]);
      expect(amounts(await store.readStream(existing))).toEqual([1, 2, 3]);

      const fresh = { category: 'imported', id: uniqueId('fresh') };
      const before = await ctx.target.countRows();
      const refused = store.import([
        { stream: fresh, events: [Deposited.create({ amount: 9 })] },
        { stream: existing, expectedVersion: 2, events: [Deposited.create({ amount: 4 })] },
      ]);
      await expect(refused).rejects.toThrow(ConcurrencyError);
      await expect(refused).rejects.toMatchObject({ stream: { id: existing.id }, expected: 2, actual: 3 });
      expect(await ctx.target.countRows()).toEqual(before);
      expect(await store.readStream(fresh)).toEqual([]);
      // The default expectation is a new stream.
      await expect(store.import([{ stream: existing, events: [Deposited.create({ amount: 4 })] }])).rejects.toThrow(
        ConcurrencyError,
      );
    });

    it('keeps the batches written before one that fails', async () => {
      const store = ctx.store();
      const source = history(6, 5);
      const taken = source[4]!.stream;
      await store.append(taken, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      const progress: ImportProgress[] = [];
      await expect(store.import(source, { batchSize: 10, onProgress: (p) => progress.push(p) })).rejects.toThrow(
        ConcurrencyError,
      );
      // Batches of two streams: the first two were written, the third (streams 4 and 5) was not.
      expect(progress.map((p) => p.streams)).toEqual([2, 4]);
      for (const item of source.slice(0, 4)) expect(await store.readStream(item.stream)).toHaveLength(5);
      expect(await store.readStream(source[5]!.stream)).toEqual([]);
      expect(await store.readStream(taken)).toHaveLength(1);
    });

    it('refuses invalid events, stream names and duplicate ids with a typed error before writing anything of the batch', async () => {
      const store = ctx.store();
      const good = history(3, 2);
      const refuse = async (bad: BankImport, error: new (...args: never[]) => Error) => {
        await expect(store.import([...good, bad])).rejects.toThrow(error);
        expect(await ctx.target.countRows()).toEqual({ events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 });
      };
      const stream = { category: 'imported', id: uniqueId('bad') };
      await refuse({ stream, events: [{ type: 'Deposited', data: { amount: -1 } }] }, EventValidationError);
      await refuse(
        { stream: { category: 'bad category!', id: 'x' }, events: [Deposited.create({ amount: 1 })] },
        InvalidStreamError,
      );
      const id = uuidv7();
      await refuse(
        {
          stream,
          events: [
            { ...Deposited.create({ amount: 1 }), id },
            { ...Deposited.create({ amount: 2 }), id },
          ],
        },
        DuplicateEventIdError,
      );
      // An id already stored: found before the batch writes.
      await store.append(
        { category: 'imported', id: uniqueId() },
        { ...Deposited.create({ amount: 1 }), id },
        {
          expectedVersion: 'no_stream',
        },
      );
      const before = await ctx.target.countRows();
      await expect(
        store.import([...good, { stream, events: [{ ...Deposited.create({ amount: 1 }), id }] }]),
      ).rejects.toThrow(DuplicateEventIdError);
      expect(await ctx.target.countRows()).toEqual(before);
    });

    it('writes tags and outbox rows as appends do', async () => {
      const store = ctx.store({ outbox: (event) => event.type === 'Deposited' });
      const run = uniqueId('tags');
      const result = await store.import(
        Array.from({ length: 5 }, (_, s) => ({
          stream: { category: 'imported', id: `${run}-${s}` },
          events: [
            { ...Deposited.create({ amount: s + 1 }), tags: [`run:${run}`, `stream:${s}`] },
            { type: 'Noted', data: 'no outbox, no tags' },
          ],
        })),
      );
      expect(result.events).toBe(10);
      expect(await ctx.target.countRows()).toEqual({ events: 10, streams: 5, snapshots: 0, outbox: 5, tags: 10 });
      const tagged = await store.read([{ tags: [`run:${run}`] }]);
      expect(amounts(tagged.events)).toEqual([1, 2, 3, 4, 5]);
      expect(tagged.events[2]!.tags).toEqual([`run:${run}`, 'stream:2']);
    });

    it('keeps every character of stream ids, data and metadata as an append does (tabs, newlines, backslashes, quotes, \\N, unicode)', async () => {
      const store = ctx.store();
      // What a bulk path's text formats must escape (COPY's: backslash, tab, newline, CR, \N).
      const awkward = 'a\tb\nc\rd \\ \\N \\t "q" \'s\' {x} [y] é 漢 🙂';
      const id = `${uniqueId('chars')} \\N \\t "q" {x} é 漢 🙂`;
      const written = [
        Deposited.create({ amount: 1, note: awkward }, { metadata: { origin: awkward } }),
        { type: 'Noted' as const, data: awkward },
        { type: 'Noted' as const, data: '\\' },
      ];
      await store.import([{ stream: { category: 'imported', id }, events: written }]);
      const events = await store.readStream({ category: 'imported', id });
      expect(events.map((e) => e.data)).toEqual([{ amount: 1, note: awkward }, awkward, '\\']);
      expect(events[0]!.metadata).toMatchObject({ origin: awkward });
      expect(events.map((e) => e.stream.id)).toEqual([id, id, id]);
      const log = (await store.readAll({ limit: 10 })).events;
      expect(log.map((e) => e.data)).toEqual([{ amount: 1, note: awkward }, awkward, '\\']);
    });

    it('joins a host transaction: its rollback removes every batch', async () => {
      const store = ctx.store();
      await expect(
        store.atomic(async () => {
          await store.import(history(4, 5), { batchSize: 10 });
          throw new KitError('host rolls back');
        }),
      ).rejects.toThrow(KitError);
      expect(await ctx.target.countRows()).toEqual({ events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 });
    });

    it("inside a host transaction that already wrote events, each batch writes its own events' tags and outbox rows, once", async () => {
      const store = ctx.store({ outbox: true });
      const run = uniqueId('host-batches');
      const tagged = (item: BankImport, s: number): BankImport => ({
        ...item,
        events: item.events.map((event) => ({ ...event, tags: [`run:${run}`, `stream:${s}`] })),
      });
      const source = history(4, 5).map(tagged);
      const result = await store.atomic(async () => {
        await store.append({ category: 'imported', id: `${run}-before` }, Deposited.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
        return store.import(source, { batchSize: 10 });
      });
      expect(result.events).toBe(20);
      expect(await ctx.target.countRows()).toEqual({ events: 21, streams: 5, snapshots: 0, outbox: 21, tags: 40 });
      const log = (await store.readAll({ limit: 100 })).events;
      expect(amounts(log)).toEqual([
        1,
        ...source.flatMap((item) => item.events.map((e) => (e.data as { amount: number }).amount)),
      ]);
      expect(result.lastPosition).toBe(log.at(-1)!.position);
      const read = await store.read([{ tags: [`run:${run}`] }]);
      expect(read.events.map((event) => event.id)).toEqual(log.slice(1).map((event) => event.id));
      expect(read.events.map((event) => event.tags)).toEqual(
        source.flatMap((_, s) => Array.from({ length: 5 }, () => [`run:${run}`, `stream:${s}`])),
      );
    });

    it('a consumer catches up on imported events exactly once', async () => {
      const source = history(20, 30);
      await ctx.store().import(source, { batchSize: 100 });
      const handled: string[] = [];
      const consumer = createConsumer(ctx.store(), {
        name: uniqueId('import-consumer'),
        batchSize: 64,
        polling: { minMs: 1, maxMs: 20 },
        async handle(events) {
          handled.push(...events.map((e) => e.id));
        },
      });
      consumer.start();
      try {
        await waitFor('the consumer to handle 600 events', () => handled.length >= 600);
      } finally {
        await consumer.stop();
      }
      expect(handled).toHaveLength(600);
      expect(new Set(handled).size).toBe(600);
    });

    it('racing ordinary appends on separate connections: the log skips and duplicates nothing', async () => {
      const source = history(50, 40);
      const writers = 4;
      const appendsPerWriter = 25;
      const handled: RecordedEvent[] = [];
      const consumer = createConsumer(ctx.store(), {
        name: uniqueId('import-race'),
        batchSize: 100,
        polling: { minMs: 1, maxMs: 10 },
        async handle(events) {
          handled.push(...events);
        },
      });
      consumer.start();
      const appended: string[] = [];
      try {
        await Promise.all([
          ctx.store().import(source, { batchSize: 200 }),
          ...Array.from({ length: writers }, async (_, w) => {
            const store = ctx.store();
            const stream = { category: 'raced', id: uniqueId(`writer-${w}`) };
            for (let n = 0; n < appendsPerWriter; n++) {
              const { events } = await store.append(stream, Deposited.create({ amount: n + 1 }), {
                expectedVersion: n,
              });
              appended.push(...events.map((e) => e.id));
            }
          }),
        ]);
        const total = 50 * 40 + writers * appendsPerWriter;
        await waitFor(`the consumer to handle ${total} events`, () => handled.length >= total);
        expect(handled).toHaveLength(total);
        expect(new Set(handled.map((e) => e.id)).size).toBe(total);
        for (const id of appended) expect(handled.some((e) => e.id === id)).toBe(true);
        const imported = handled.filter((e) => e.stream.category === 'imported');
        expect(new Set(imported.map((e) => e.stream.id))).toEqual(new Set(source.map(streamIdOf)));
      } finally {
        await consumer.stop();
      }
    });
  });
}
