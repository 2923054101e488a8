import { EsExceptionFilter, EsModule, transactionHostContext } from '@es/nestjs';
import { EsHealthIndicator } from '@es/nestjs/terminus';
import { createTypeOrmBackend } from '@es/typeorm';
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import type { DataSource } from 'typeorm';
import { accountSummaries } from './accountSummaries.ts';
import { AccountsController, AccountsService } from './accounts.ts';
import { databaseOptions } from './dataSource.ts';
import { accountDecider, bankEvents } from './events.ts';
import { HealthController } from './health.ts';

@Module({
  imports: [
    TypeOrmModule.forRoot(databaseOptions),
    // @Transactional() opens a transaction of the DataSource and keeps it current for the call.
    ClsModule.forRoot({
      global: true,
      plugins: [
        new ClsPluginTransactional({
          adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
        }),
      ],
    }),
    // The store joins that transaction (no handle passed), and refuses a write outside one.
    EsModule.forRootAsync({
      inject: [TransactionHost, getDataSourceToken()],
      useFactory: (txHost: TransactionHost<TransactionalAdapterTypeOrm>, dataSource: DataSource) => ({
        backend: createTypeOrmBackend(dataSource),
        events: bankEvents,
        transactionContext: transactionHostContext(txHost),
        requireTransaction: true,
        consumers: [accountSummaries],
      }),
    }),
    EsModule.forFeature({ deciders: [{ category: 'account', decider: accountDecider }] }),
    TerminusModule.forRoot({ logger: false }),
  ],
  controllers: [AccountsController, HealthController],
  providers: [AccountsService, EsHealthIndicator, { provide: APP_FILTER, useClass: EsExceptionFilter }],
})
export class AppModule {}
