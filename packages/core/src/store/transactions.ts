import type { AppendOutcome, BackendSession, EventStoreBackend, SessionOptions } from '../backend/index.js';
import { TransactionRequiredError } from '../errors/index.js';
import {
  ambientTransaction,
  appendCommitted,
  currentAtomic,
  type JoinedTransaction,
  runAtomic,
  type TransactionContext,
} from './ambient.js';

/**
 * For writes that run none of the caller's code (a relay's claims, a consumer's lease): a backend
 * may run them without what caller code needs (see `SessionOptions.runsCallerCode`).
 */
export const NO_CALLER_CODE = { runsCallerCode: false } as const;

/** Where a store's operations run: what it was bound to, and how it was configured. */
export interface TransactionScope<THandle> {
  readonly handle?: THandle;
  /** Set inside `store.transaction(...)`: every operation shares this session. */
  readonly session?: BackendSession<THandle>;
  /** A consumer's or relay's store: its own transactions, whatever the caller's context holds. */
  readonly detached?: boolean;
}

export interface TransactionSettings<THandle> {
  readonly transactionContext?: TransactionContext<THandle>;
  readonly requireTransaction?: boolean;
}

/**
 * How a store's operation finds its transaction: the enclosing session, else the transaction it
 * joins (the explicit handle wins, then `atomic`'s, then the host's context), else one of its
 * own. Consumers and relays in this process are woken once an append has committed, never before
 * it nor after a rollback.
 */
export class StoreTransactions<THandle> {
  constructor(
    private readonly backend: EventStoreBackend<THandle>,
    private readonly settings: TransactionSettings<THandle>,
    private readonly scope: TransactionScope<THandle>,
  ) {}

  /** The transaction to join, if any. */
  joined(): JoinedTransaction<THandle> | undefined {
    if (this.scope.handle !== undefined) return { handle: this.scope.handle };
    if (this.scope.detached) return undefined;
    return currentAtomic<THandle>(this.backend) ?? ambientTransaction(this.settings.transactionContext);
  }

  /**
   * In the enclosing session, a joined transaction or one of the store's own. `onCommit` runs once
   * the transaction is known to have committed (never where that cannot be told: an enclosing
   * session, an explicit handle, a context without `afterCommit`).
   */
  write<T>(
    work: (session: BackendSession<THandle>) => Promise<T>,
    onCommit?: () => void,
    options: Pick<SessionOptions<THandle>, 'runsCallerCode'> = {},
  ): Promise<T> {
    if (this.scope.session) return work(this.scope.session);
    return this.open(work, onCommit, options);
  }

  /** Outside a transaction unless the store is in or joins one. */
  read<T>(work: (session: BackendSession<THandle>) => Promise<T>): Promise<T> {
    if (this.scope.session) return work(this.scope.session);
    const joined = this.joined();
    return this.backend.read(work, joined ? { handle: joined.handle } : {});
  }

  /**
   * Joins the transaction, or opens one of the store's own: refused under `requireTransaction`
   * (a repository's save and `store.transaction` too: only `atomic` opens one there).
   */
  private async open<T>(
    work: (session: BackendSession<THandle>) => Promise<T>,
    onCommit: (() => void) | undefined,
    options: Pick<SessionOptions<THandle>, 'runsCallerCode'>,
  ): Promise<T> {
    const joined = this.joined();
    if (joined) {
      const result = await this.backend.transaction(work, { ...options, handle: joined.handle });
      // One hook per transaction: the host's context may count or order them.
      joined.afterCommit?.(() => {
        onCommit?.();
        appendCommitted(this.backend);
      });
      return result;
    }
    this.refuseOwnTransaction();
    const result = await this.backend.transaction(work, options);
    onCommit?.();
    // A consumer's or relay's own transaction (a lease, a checkpoint, a claim) wakes no one: if it
    // did, a consumer and a relay in one process would wake each other for ever, never idle.
    if (!this.scope.detached) appendCommitted(this.backend);
    return result;
  }

  /** A one-statement append that commits on its own (outside any transaction). */
  async appendAlone(append: () => Promise<AppendOutcome>): Promise<AppendOutcome> {
    this.refuseOwnTransaction();
    const outcome = await append();
    appendCommitted(this.backend);
    return outcome;
  }

  /** See `EventStore.atomic`. */
  async atomic<T>(work: (handle: THandle) => Promise<T>): Promise<T> {
    const joined = this.joined();
    if (joined) return work(joined.handle);
    const { result, committed } = await this.backend.transaction((session) =>
      runAtomic(this.backend, session.handle, () => work(session.handle as THandle)),
    );
    // Each write inside registered its wake-up here (`open` on a joined transaction): a scope that
    // only read wakes no one.
    for (const callback of committed) callback();
    return result;
  }

  private refuseOwnTransaction(): void {
    if (this.settings.requireTransaction && !this.scope.detached) throw new TransactionRequiredError();
  }
}
