import type { TransactionContext } from '@es/core';

/**
 * What the store reads of `@nestjs-cls/transactional`'s `TransactionHost`: any adapter's (TypeORM,
 * Prisma, Drizzle ...), whose `tx` is that ORM's transaction handle.
 */
export interface TransactionHostLike<TTx> {
  readonly tx: TTx;
  isTransactionActive(): boolean;
}

/**
 * The transaction `@nestjs-cls/transactional` keeps current (`@Transactional()`,
 * `txHost.withTransaction(...)`), for the store's `transactionContext`: a store call given no
 * handle joins it. Outside one, `txHost.tx` is the adapter's non-transactional client, which the
 * store does not join: it opens its own transaction, or refuses under `requireTransaction`.
 *
 * `@nestjs-cls/transactional` tells nothing when a transaction commits, so consumers and relays in
 * this process find the events on their next poll (or by their `wakeUp` hint) rather than at once.
 */
export function transactionHostContext<TTx>(txHost: TransactionHostLike<TTx>): TransactionContext<TTx> {
  return { current: () => (txHost.isTransactionActive() ? txHost.tx : undefined) };
}
