// How an import cuts its source into batches and what it asks of its options, on the memory
// backend. What every backend must do with a batch is the conformance kit's import suite.
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';
import { defineEvent } from '../events/index.js';
import { createMemoryBackend } from '../memory/index.js';
import { createEventStore } from '../store/index.js';
import type { ImportProgress } from './importEvents.js';

const Noted = defineEvent('Noted', z.object({ n: z.number() }));
const notes = (count: number) => Array.from({ length: count }, (_, n) => Noted.create({ n }));
const at = (id: string) => ({ category: 'note', id });

describe('store.import', () => {
  it('cuts batches at batchSize events, never splitting a stream, and starts a new one when a stream repeats', async () => {
    const store = createEventStore({ backend: createMemoryBackend(), events: [Noted] });
    const progress: ImportProgress[] = [];
    await store.import(
      [
        { stream: at('a'), events: notes(3) },
        { stream: at('b'), events: notes(8) }, // over 10 with a's: a batch of its own
        { stream: at('c'), events: notes(1) },
        { stream: at('c'), expectedVersion: 1, events: notes(1) }, // c again: the next batch, though 10 would fit
      ],
      { batchSize: 10, onProgress: (p) => progress.push(p) },
    );
    expect(progress.map((p) => [p.streams, p.events])).toEqual([
      [1, 3],
      [3, 12],
      [4, 13],
    ]);
    expect((await store.readStream(at('c'))).map((e) => e.version)).toEqual([1, 2]);
  });

  it("runs the store's inline projections over each batch, in its transaction", async () => {
    const seen: string[][] = [];
    const store = createEventStore({
      backend: createMemoryBackend(),
      events: [Noted],
      projections: [
        {
          name: 'counts',
          async handle(events) {
            seen.push(events.map((e) => `${e.stream.id}@${e.version}`));
            if (events.some((e) => e.stream.id === 'bad')) throw new Error('projection refused');
          },
        },
      ],
    });
    await store.import([
      { stream: at('a'), events: notes(2) },
      { stream: at('b'), events: notes(1) },
    ]);
    expect(seen).toEqual([['a@1', 'a@2', 'b@1']]);
    await expect(store.import([{ stream: at('bad'), events: notes(1) }])).rejects.toThrow('projection refused');
    expect(await store.readStream(at('bad'))).toEqual([]);
  });

  it('refuses a malformed source, item or option before reading on', async () => {
    const store = createEventStore({ backend: createMemoryBackend(), events: [Noted] });
    await expect(store.import([], { batchSize: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(store.import(42 as never)).rejects.toThrow(InvalidArgumentError);
    await expect(store.import([{ stream: at('a'), events: [] }])).rejects.toThrow(InvalidArgumentError);
    await expect(store.import([{ stream: at('a'), events: notes(1), expectedVersion: -1 }])).rejects.toThrow(
      InvalidArgumentError,
    );
    expect(await store.import([])).toEqual({ streams: 0, events: 0, lastPosition: undefined });
  });
});
