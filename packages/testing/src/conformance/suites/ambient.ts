import { createConsumer, type EventStore, TransactionNotOpenError, TransactionRequiredError } from '@es/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { holdPoint, type SuiteContext, sleep, uniqueId, waitFor } from '../context.js';
import { type BankEventDefinition, Deposited, KitError } from '../fixtures.js';
import type { AmbientHost, ConcurrentTransactions } from '../target.js';

class Boom extends KitError {}

/**
 * The title prefix of a target's own contexts (`ConformanceTarget.ambientContexts`): their tests
 * are that row's alone, which `pnpm conformance` counts apart when it compares rows.
 */
export const HOST_CONTEXT_TITLE = "the host's context: ";

/** Where one test of a context runs. */
interface AmbientScene<H> {
  /** A store that, given no handle, joins the transaction current in the calling async context. */
  store(options?: { requireTransaction?: boolean }): EventStore<BankEventDefinition, H>;
  /** Runs `work` in the host's transaction, current in `work`'s async context. */
  transaction<T>(work: (handle: H) => Promise<T>): Promise<T>;
  /** Whether the store learns when the transaction commits (else consumers find its events by polling). */
  readonly tellsCommits: boolean;
}

/**
 * Ambient transactions: a store given no handle joins the transaction current in the calling
 * async context, on every row with the store's own scope (`store.atomic`), and with each context
 * of the host's ORM the target lists. The host's rows are written through the handle of that
 * transaction, the store's calls pass none.
 */
export function ambientSuite<H>(ctx: SuiteContext<H>): void {
  describe('ambient transactions', () => {
    describe('store.atomic', () => {
      const concurrency = ['postgres', 'mysql'].includes(ctx.target.dialect) ? 'isolated' : 'queued';
      ambientTests(ctx, concurrency, () => {
        // One backend for the test: `atomic` scopes are the backend's (on SQLite, each instance
        // is a connection of its own).
        const backend = ctx.backend();
        const store = (options = {}) => ctx.store({ backend, ...options });
        return { store, transaction: (work) => store().atomic(work), tellsCommits: true };
      });
    });

    for (const context of ctx.target.ambientContexts ?? []) {
      describe(`${HOST_CONTEXT_TITLE}${context.name}`, () => {
        let host: AmbientHost<H> | undefined;
        beforeAll(async () => {
          host = await context.open();
        }, 60_000);
        afterAll(() => host?.close?.(), 60_000);
        ambientTests(ctx, context.concurrentTransactions, () => {
          if (!host) throw new KitError(`${context.name} did not open`);
          const { backend, transactionContext, transaction } = host;
          return {
            store: (options = {}) => ctx.store({ backend, transactionContext, ...options }),
            transaction,
            tellsCommits: transactionContext.afterCommit !== undefined,
          };
        });
      });
    }
  });
}

function ambientTests<H>(
  ctx: SuiteContext<H>,
  concurrency: ConcurrentTransactions | undefined,
  openScene: () => AmbientScene<H>,
): void {
  const account = () => ({ category: 'account', id: uniqueId() });
  const deposit = () => Deposited.create({ amount: 1 });
  type Account = ReturnType<typeof account>;
  /** The host's row through `handle`, then the account's first event through `store`, given no handle. */
  const open = async (store: EventStore<BankEventDefinition, H>, handle: H, stream: Account) => {
    await ctx.target.writeHostRow(handle, stream.id);
    await store.append(stream, deposit(), { expectedVersion: 'no_stream' });
  };
  /** What is committed, read around the library: the host's rows and the store's event count. */
  const committed = async () => ({
    hostRows: (await ctx.target.hostRowIds()).sort(),
    events: (await ctx.target.countRows()).events,
  });
  /**
   * For two transactions at once: the first, open and held, has written the `first` account's host
   * row and event, and throws once released (its outcome `rolledBack`); `second` is for the other.
   */
  const firstTransactionHeld = async () => {
    const scene = openScene();
    const store = scene.store();
    const [first, second] = [account(), account()];
    const held = holdPoint();
    const rolledBack = scene.transaction(async (handle) => {
      await open(store, handle, first);
      await held.hold();
      throw new Boom('the first gives up');
    });
    await Promise.race([held.reached, rolledBack]); // one that fails before it holds fails the test here
    return { scene, store, first, second, held, rolledBack };
  };
  const nothing = { hostRows: [], events: 0 };
  const both = (...streams: Account[]) => ({ hostRows: streams.map((s) => s.id).sort(), events: streams.length });
  /**
   * `work` on `count` new accounts in a transaction that then throws (nothing is left), and again
   * on others in one that commits (every host row and event is there).
   */
  const rollsBackThenCommits = async (
    scene: AmbientScene<H>,
    count: number,
    work: (handle: H, streams: Account[]) => Promise<void>,
  ) => {
    const accounts = () => Array.from({ length: count }, account);
    const rolledBack = accounts();
    await expect(
      scene.transaction(async (handle) => {
        await work(handle, rolledBack);
        throw new Boom('the host gives up');
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await committed()).toEqual(nothing);
    const kept = accounts();
    await scene.transaction((handle) => work(handle, kept));
    expect(await committed()).toEqual(both(...kept));
  };

  it("commits the host's row and the events together, with no handle passed", async () => {
    const scene = openScene();
    const store = scene.store();
    const stream = account();
    const held = holdPoint();
    const commits = scene.transaction(async (handle) => {
      await open(store, handle, stream);
      await store.append(stream, deposit(), { expectedVersion: 1 });
      expect(await store.streamVersion(stream)).toBe(2); // read in the transaction
      await held.hold();
    });
    await Promise.race([held.reached, commits]); // a transaction that fails early fails the test here
    expect(await committed()).toEqual(nothing); // nobody else sees it yet
    held.release();
    await commits;
    expect(await committed()).toEqual({ hostRows: [stream.id], events: 2 });
    expect(await scene.store().streamVersion(stream)).toBe(2);
  });

  it("a throw rolls back the host's row and the events together", async () => {
    const scene = openScene();
    const store = scene.store();
    const stream = account();
    await expect(
      scene.transaction(async (handle) => {
        await open(store, handle, stream);
        await store.saveSnapshot(stream, { version: 1, state: {} });
        throw new Boom('the host gives up');
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await committed()).toEqual(nothing);
    expect(await ctx.target.countRows()).toEqual({ events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 });
  });

  it('nested transactions and store.atomic inside join the outer one: one commit, one rollback', async () => {
    const scene = openScene();
    const store = scene.store();
    const nest = async (outer: H, streams: Account[]) => {
      const [first, second, third] = streams as [Account, Account, Account];
      await open(store, outer, first);
      await scene.transaction((inner) => open(store, inner, second));
      await store.atomic(async (joined) => {
        expect(joined).toBe(outer); // the store's own scope opens nothing: it joins the host's
        await open(store, joined, third);
      });
    };
    await rollsBackThenCommits(scene, 3, nest);
  });

  it("a nested transaction that throws, caught by the outer: its host row and events go the way the ORM's nesting takes them, together", async () => {
    const scene = openScene();
    const store = scene.store();
    const [outerStream, innerStream] = [account(), account()];
    await scene.transaction(async (outer) => {
      await open(store, outer, outerStream);
      await expect(
        scene.transaction(async (inner) => {
          await open(store, inner, innerStream);
          throw new Boom('the nested part gives up');
        }),
      ).rejects.toBeInstanceOf(Boom);
    });
    const { hostRows, events } = await committed();
    const innerKept = hostRows.includes(innerStream.id);
    // Kept where nesting joins the outer transaction, gone where it is a savepoint: never half.
    expect({ hostRows, events }).toEqual(innerKept ? both(outerStream, innerStream) : both(outerStream));
  });

  it('Promise.all of several appends inside one transaction: all commit, or all roll back, with the host rows', async () => {
    const scene = openScene();
    const store = scene.store();
    const appendAll = async (handle: H, streams: Account[]) => {
      for (const stream of streams) await ctx.target.writeHostRow(handle, stream.id);
      await Promise.all([
        ...streams.map((stream) => store.append(stream, deposit(), { expectedVersion: 'no_stream' })),
        store.streamVersion(streams[0] as Account),
      ]);
    };
    await rollsBackThenCommits(scene, 4, appendAll);
  });

  if (concurrency === 'isolated') {
    it('two transactions open at once each join their own, and never see the other', async () => {
      const { scene, store, first, second, held, rolledBack } = await firstTransactionHeld();
      await scene.transaction(async (handle) => {
        await ctx.target.writeHostRow(handle, second.id);
        expect(await store.streamVersion(first)).toBe(0);
        expect(await committed()).toEqual(nothing);
        held.release();
        // On MySQL the append waits for the first to end: positions are taken in commit order.
        await store.append(second, deposit(), { expectedVersion: 'no_stream' });
        expect(await store.streamVersion(second)).toBe(1);
      });
      await expect(rolledBack).rejects.toBeInstanceOf(Boom);
      expect(await committed()).toEqual(both(second));
    });
  }

  if (concurrency === 'queued') {
    it('a second transaction opened meanwhile waits for the first to end, then joins its own', async () => {
      const { scene, store, first, second, held, rolledBack } = await firstTransactionHeld();
      let secondStarted = false;
      const commits = scene.transaction(async (handle) => {
        secondStarted = true;
        expect(await store.streamVersion(first)).toBe(0);
        await open(store, handle, second);
      });
      await sleep(100);
      expect(secondStarted).toBe(false);
      expect(await committed()).toEqual(nothing);
      held.release();
      await expect(rolledBack).rejects.toBeInstanceOf(Boom);
      await commits;
      expect(await committed()).toEqual(both(second));
    });
  }

  it('outside any transaction the store opens its own; under requireTransaction it refuses writes, writing nothing, and reads', async () => {
    const scene = openScene();
    const [own, refused, inside] = [account(), account(), account()];
    await scene.store().append(own, deposit(), { expectedVersion: 'no_stream' });
    expect(await committed()).toEqual({ hostRows: [], events: 1 });

    const strict = scene.store({ requireTransaction: true });
    const append = strict.append(refused, deposit(), { expectedVersion: 'no_stream' });
    await expect(append).rejects.toBeInstanceOf(TransactionRequiredError);
    await expect(append).rejects.toMatchObject({ code: 'TRANSACTION_REQUIRED' });
    await expect(strict.saveSnapshot(own, { version: 1, state: {} })).rejects.toBeInstanceOf(TransactionRequiredError);
    expect(await strict.streamVersion(own)).toBe(1);
    expect(await strict.readStream(refused)).toEqual([]);
    expect(await ctx.target.countRows()).toEqual({ events: 1, streams: 1, snapshots: 0, outbox: 0, tags: 0 });

    await scene.transaction((handle) => open(strict, handle, inside));
    expect(await committed()).toEqual({ hostRows: [inside.id], events: 2 });
  });

  it('an explicit withTransaction handle wins over the ambient transaction', async () => {
    const scene = openScene();
    const store = scene.store();
    const [explicit, ambient] = [account(), account()];
    const ended = await ctx.target.hostTransaction(async (handle) => handle);
    await scene.transaction(async (handle) => {
      // The ambient transaction would take it; the ended one given refuses it.
      await expect(
        store.withTransaction(ended).append(explicit, deposit(), { expectedVersion: 'no_stream' }),
      ).rejects.toBeInstanceOf(TransactionNotOpenError);
      await open(store, handle, ambient);
    });
    expect(await committed()).toEqual(both(ambient));
  });

  it('a started consumer handles what the transaction committed once it commits (at once where the context tells), never what it rolled back', async () => {
    const scene = openScene();
    const store = scene.store();
    const seen: string[] = [];
    const consumer = createConsumer(store, {
      name: uniqueId('ambient'),
      // Woken by the commit, it must not wait for its next poll; a context that cannot tell the
      // store when its transaction commits leaves its events to that poll.
      polling: scene.tellsCommits ? { minMs: 60_000, maxMs: 60_000 } : { minMs: 20, maxMs: 50 },
      async handle(events) {
        seen.push(...events.map((event) => event.stream.id));
      },
    });
    consumer.start();
    try {
      await consumer.whenCaughtUp();
      const [rolledBack, kept] = [account(), account()];
      await expect(
        scene.transaction(async (handle) => {
          await open(store, handle, rolledBack);
          throw new Boom('the host gives up');
        }),
      ).rejects.toBeInstanceOf(Boom);
      await scene.transaction(async (handle) => {
        await open(store, handle, kept);
        // A wake-up before the commit would find nothing, and leave the consumer asleep.
        await sleep(100);
        expect(seen).toEqual([]);
      });
      await waitFor('the consumer to handle the committed event', () => seen.length > 0, 10_000);
      expect(seen).toEqual([kept.id]);
    } finally {
      await consumer.stop();
    }
  });
}
