// @nestjs-cls/transactional's TransactionHost with its Prisma adapter, as a Nest application sets it
// up: ClsModule with the transactional plugin over the application's PrismaClient. Loaded only
// where used (not by the conformance kit's child processes).
import 'reflect-metadata';
import { transactionHostContext } from '@es/nestjs';
import { Test } from '@nestjs/testing';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import { ClsModule } from 'nestjs-cls';
import type { HostClient, HostTransaction } from './target.ts';

const PRISMA = Symbol('prisma');

/**
 * The conformance kit's ambient context over `client`: transactionHostContext, the host's
 * transactions opened by `txHost.withTransaction` (what `@Transactional()` runs, an interactive
 * `$transaction`), its handle `txHost.tx`.
 */
export async function transactionHostAmbient(client: HostClient) {
  const prismaModule = {
    module: class PrismaModule {},
    providers: [{ provide: PRISMA, useValue: client }],
    exports: [PRISMA],
  };
  const adapter = new TransactionalAdapterPrisma<HostClient>({ prismaInjectionToken: PRISMA });
  const module = await Test.createTestingModule({
    imports: [
      ClsModule.forRoot({ global: true, plugins: [new ClsPluginTransactional({ imports: [prismaModule], adapter })] }),
    ],
  }).compile();
  const txHost = module.get<TransactionHost<TransactionalAdapterPrisma<HostClient>>>(TransactionHost);
  return {
    transactionContext: transactionHostContext<HostTransaction>(txHost),
    transaction: <T>(work: (handle: HostTransaction) => Promise<T>) => txHost.withTransaction(() => work(txHost.tx)),
    close: () => module.close(),
  };
}
