// @nestjs-cls/transactional's TransactionHost with its Drizzle adapter, as a Nest application sets
// it up: ClsModule with the transactional plugin over the application's Drizzle database. Loaded
// only where used (not by the conformance kit's child processes).
import 'reflect-metadata';
import type { DrizzleDatabase, DrizzleTransactionOf } from '@es/drizzle';
import { type TransactionHostLike, transactionHostContext } from '@es/nestjs';
import { Test } from '@nestjs/testing';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterDrizzleOrm } from '@nestjs-cls/transactional-adapter-drizzle-orm';
import { ClsModule } from 'nestjs-cls';

const DRIZZLE = Symbol('drizzle');

/** What the Drizzle adapter takes: a database whose `transaction(async (tx) => ...)` it opens. */
// biome-ignore lint/suspicious/noExplicitAny: the adapter's own constraint, which every Drizzle database meets
export type DrizzleClient = { transaction: (work: (tx: any) => Promise<any>, options?: any) => Promise<any> };

/** A Nest testing module with ClsModule and the transactional plugin, its Drizzle adapter over `db`. */
export async function transactionHostOver<Db extends DrizzleClient>(db: Db) {
  const drizzleModule = {
    module: class DrizzleModule {},
    providers: [{ provide: DRIZZLE, useValue: db }],
    exports: [DRIZZLE],
  };
  const module = await Test.createTestingModule({
    imports: [
      ClsModule.forRoot({
        global: true,
        plugins: [
          new ClsPluginTransactional({
            imports: [drizzleModule],
            adapter: new TransactionalAdapterDrizzleOrm<Db>({ drizzleInstanceToken: DRIZZLE }),
          }),
        ],
      }),
    ],
  }).compile();
  return { module, txHost: module.get<TransactionHost<TransactionalAdapterDrizzleOrm<Db>>>(TransactionHost) };
}

/**
 * The adapter types `txHost.tx` as the database it was given; inside a transaction it is that
 * database's transaction, which is what the store joins.
 */
export function asTransactionHost<Db extends DrizzleDatabase & DrizzleClient>(
  txHost: TransactionHost<TransactionalAdapterDrizzleOrm<Db>>,
): TransactionHostLike<DrizzleTransactionOf<Db>> {
  return txHost as unknown as TransactionHostLike<DrizzleTransactionOf<Db>>;
}

/**
 * The conformance kit's ambient context over `db`: transactionHostContext, the host's transactions
 * opened by `txHost.withTransaction` (what `@Transactional()` runs), its handle `txHost.tx`.
 */
export async function transactionHostAmbient<Db extends DrizzleDatabase & DrizzleClient>(db: Db) {
  const { module, txHost } = await transactionHostOver(db);
  const host = asTransactionHost(txHost);
  return {
    transactionContext: transactionHostContext(host),
    transaction: <T>(work: (handle: DrizzleTransactionOf<Db>) => Promise<T>) =>
      txHost.withTransaction(() => work(host.tx)),
    close: () => module.close(),
  };
}
