import {
  createConsumer,
  createOutboxRelay,
  DuplicateEventIdError,
  EventValidationError,
  InvalidArgumentError,
  InvalidStreamError,
  OWNER_MAX_LENGTH,
  PayloadTooLargeError,
  SerializationError,
  UnknownEventTypeError,
  uuidv7,
} from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { Deposited } from '../fixtures.js';

const EMPTY = { events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 };

export function invalidInputSuite<H>(ctx: SuiteContext<H>): void {
  describe('invalid input is rejected before anything is written', () => {
    const rejects = async (promise: Promise<unknown>, type: new (...args: never[]) => Error) => {
      await expect(promise).rejects.toBeInstanceOf(type);
      expect(await ctx.target.countRows()).toEqual(EMPTY);
    };
    const ok = { category: 'account', id: 'a-1' };

    it('an invalid payload: EventValidationError with the issue path, nothing written', async () => {
      const store = ctx.store();
      const error = await store
        .append(ok, [Deposited.create({ amount: 1 }), { type: 'Deposited', data: { amount: -5 } }], {
          expectedVersion: 'any',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventValidationError);
      expect((error as EventValidationError).issues[0]?.path).toEqual(['amount']);
      expect(await ctx.target.countRows()).toEqual(EMPTY);
    });

    it('create() rejects an invalid payload with the issue path', () => {
      expect(() => Deposited.create({ amount: 'ten' as unknown as number })).toThrow(EventValidationError);
    });

    it('an unknown event type: UnknownEventTypeError', async () => {
      await rejects(
        ctx.store().append(ok, { type: 'Nope', data: {} } as never, { expectedVersion: 'any' }),
        UnknownEventTypeError,
      );
    });

    it.each([
      ['an empty id', { category: 'account', id: '' }],
      ['an over-long id', { category: 'account', id: 'x'.repeat(201) }],
      ['an id with control characters', { category: 'account', id: 'a\u0000b' }],
      ['an id with surrounding spaces', { category: 'account', id: ' a' }],
      ['an id with a lone high surrogate', { category: 'account', id: 'x\ud800' }],
      ['an id with a lone low surrogate', { category: 'account', id: 'x\udbff\u0041' }],
      ['a non-string id', { category: 'account', id: 42 as unknown as string }],
      ['an empty category', { category: '', id: 'a' }],
      ['a category with spaces', { category: 'bank account', id: 'a' }],
    ])('a malformed stream (%s): InvalidStreamError', async (_, stream) => {
      await rejects(
        ctx.store().append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'any' }),
        InvalidStreamError,
      );
    });

    it.each([
      [-1],
      [1.5],
      ['3'],
      [null],
      ['latest'],
    ])('a malformed expected version (%p): InvalidArgumentError', async (v) => {
      await rejects(
        ctx.store().append(ok, Deposited.create({ amount: 1 }), { expectedVersion: v as never }),
        InvalidArgumentError,
      );
    });

    it('a missing expected version: InvalidArgumentError', async () => {
      await rejects(ctx.store().append(ok, Deposited.create({ amount: 1 }), {} as never), InvalidArgumentError);
    });

    it('an empty append: InvalidArgumentError', async () => {
      await rejects(ctx.store().append(ok, [], { expectedVersion: 'any' }), InvalidArgumentError);
    });

    it('oversized data: PayloadTooLargeError', async () => {
      const store = ctx.store({ limits: { maxEventBytes: 1024 } });
      await rejects(
        store.append(ok, [Deposited.create({ amount: 1 }), Deposited.create({ amount: 1, note: 'x'.repeat(2000) })], {
          expectedVersion: 'any',
        }),
        PayloadTooLargeError,
      );
    });

    it('oversized metadata: PayloadTooLargeError', async () => {
      await rejects(
        ctx.store().append(ok, Deposited.create({ amount: 1 }), {
          expectedVersion: 'any',
          metadata: { blob: 'x'.repeat(70 * 1024) },
        }),
        PayloadTooLargeError,
      );
    });

    it('a malformed event id: InvalidArgumentError', async () => {
      await rejects(
        ctx.store().append(ok, Deposited.create({ amount: 1 }, { id: 'not-a-uuid' }), { expectedVersion: 'any' }),
        InvalidArgumentError,
      );
    });

    it('the same event id twice in one append: DuplicateEventIdError', async () => {
      const id = uuidv7();
      await rejects(
        ctx.store().append(ok, [Deposited.create({ amount: 1 }, { id }), Deposited.create({ amount: 2 }, { id })], {
          expectedVersion: 'any',
        }),
        DuplicateEventIdError,
      );
    });

    it('an event id already stored: DuplicateEventIdError, and the second stream is untouched', async () => {
      const store = ctx.store();
      const id = uuidv7();
      const first = { category: 'account', id: uniqueId() };
      const second = { category: 'account', id: uniqueId() };
      await store.append(first, Deposited.create({ amount: 1 }, { id }), { expectedVersion: 'no_stream' });
      await expect(
        store.append(second, Deposited.create({ amount: 1 }, { id }), { expectedVersion: 'no_stream' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.streamVersion(second)).toBe(0);
      expect((await ctx.target.countRows()).events).toBe(1);
    });

    it('a string PostgreSQL jsonb cannot store (NUL, an unpaired surrogate): SerializationError on every backend', async () => {
      const store = ctx.store();
      // Both in one append: the second event is refused before the first is written.
      await rejects(
        store.append(ok, [Deposited.create({ amount: 1 }), Deposited.create({ amount: 1, note: 'nul\u0000' })], {
          expectedVersion: 'any',
        }),
        SerializationError,
      );
      await rejects(
        store.append(ok, Deposited.create({ amount: 1 }), { expectedVersion: 'any', metadata: { who: '\udfff' } }),
        SerializationError,
      );
    });

    it('non-serializable data (a function in metadata) is rejected', async () => {
      await expect(
        ctx.store().append(ok, Deposited.create({ amount: 1 }), {
          expectedVersion: 'any',
          metadata: { callback: () => 1 },
        }),
      ).rejects.toThrow(/serialize/);
      expect(await ctx.target.countRows()).toEqual(EMPTY);
    });

    it('metadata that is not a plain object: EventValidationError, nothing written or reshaped', async () => {
      const store = ctx.store();
      for (const metadata of ['abc', 42, ['a', 'b'], new Date(0), null]) {
        await rejects(
          store.append(ok, Deposited.create({ amount: 1 }), { expectedVersion: 'any', metadata: metadata as never }),
          EventValidationError,
        );
        const event = { ...Deposited.create({ amount: 1 }), metadata: metadata as never };
        await rejects(store.append(ok, event, { expectedVersion: 'any' }), EventValidationError);
      }
    });

    it('event ids are stored lower-case: the id returned is the id read, and one differing only in case is taken', async () => {
      const store = ctx.store();
      const id = uuidv7();
      const stream = { category: 'account', id: uniqueId() };
      const appended = await store.append(stream, Deposited.create({ amount: 1 }, { id: id.toUpperCase() }), {
        expectedVersion: 'no_stream',
      });
      expect(appended.events[0]?.id).toBe(id);
      expect((await store.readStream(stream))[0]?.id).toBe(id);
      await expect(
        store.append(stream, Deposited.create({ amount: 2 }, { id }), { expectedVersion: 1 }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect((await ctx.target.countRows()).events).toBe(1);
    });

    it.each([
      ['an invalid Date', () => new Date(Number.NaN)],
      ['a year past 9999', () => new Date('+010000-01-01T00:00:00Z')],
      ['a year before 1', () => new Date('-000001-01-01T00:00:00Z')],
      ['not a Date', () => '2026-01-01' as unknown as Date],
    ])('a store clock returning %s: InvalidArgumentError, nothing written', async (_, clock) => {
      const store = ctx.store({ clock });
      await rejects(
        store.append(ok, Deposited.create({ amount: 1 }), { expectedVersion: 'any' }),
        InvalidArgumentError,
      );
    });

    it('an owner that is not well-formed Unicode: InvalidArgumentError when created', () => {
      const handle = async () => {};
      expect(() => createConsumer(ctx.store(), { name: 'lone-surrogate', owner: 'o\ud800', handle })).toThrow(
        InvalidArgumentError,
      );
    });

    it('a consumer or relay owner longer than its lease column: InvalidArgumentError when created', async () => {
      const owner = 'o'.repeat(OWNER_MAX_LENGTH + 1);
      const handle = async () => {};
      expect(() => createConsumer(ctx.store(), { name: 'too-long-owner', owner, handle })).toThrow(
        InvalidArgumentError,
      );
      expect(() => createOutboxRelay(ctx.store(), { owner, publish: handle })).toThrow(InvalidArgumentError);
      expect(await ctx.target.countRows()).toEqual(EMPTY);
    });
  });
}
