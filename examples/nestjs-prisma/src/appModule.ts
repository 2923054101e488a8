import { EsExceptionFilter, EsModule } from '@es/nestjs';
import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import { ClsModule } from 'nestjs-cls';
import { CardsModule } from './cards/cardsModule.js';
import { PrismaService } from './prismaService.js';
import { type CardsTransactionHost, storeOptions } from './store.js';

@Global()
@Module({ providers: [PrismaService], exports: [PrismaService] })
class PrismaModule {}

@Module({
  imports: [
    PrismaModule,
    // The request's async context, and in it the transaction a @Transactional() method opens.
    ClsModule.forRoot({
      global: true,
      middleware: { mount: true },
      plugins: [
        new ClsPluginTransactional({
          imports: [PrismaModule],
          adapter: new TransactionalAdapterPrisma<PrismaService>({
            prismaInjectionToken: PrismaService,
            sqlFlavor: 'postgresql',
            // Racing requests wait for the card's row lock; Prisma's defaults (2 s, 5 s) are short for that.
            defaultTxOptions: { maxWait: 30_000, timeout: 30_000 },
          }),
        }),
      ],
    }),
    EsModule.forRootAsync({
      inject: [TransactionHost, PrismaService],
      useFactory: (txHost: CardsTransactionHost, prisma: PrismaService) => storeOptions(txHost, prisma),
    }),
    CardsModule,
  ],
  // A lost race (ConcurrencyError) answers 409, invalid input 400.
  providers: [{ provide: APP_FILTER, useClass: EsExceptionFilter }],
})
export class AppModule {}
