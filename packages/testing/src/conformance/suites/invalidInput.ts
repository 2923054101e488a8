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

const EMPTY = { events: 0, streams: 0, snapshots: 0, outbox: 0 };

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
