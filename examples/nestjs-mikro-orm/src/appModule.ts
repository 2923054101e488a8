import { EsExceptionFilter, EsModule } from '@es/nestjs';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { EntityManager } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import config from './mikro-orm.config.ts';
import { ShowsModule } from './shows/showsModule.ts';
import { storeOptions } from './store.ts';

@Module({
  imports: [
    // MikroORM, and its middleware that gives each request a fork of the EntityManager (RequestContext).
    MikroOrmModule.forRoot(config),
    EsModule.forRootAsync({ inject: [EntityManager], useFactory: (em: EntityManager) => storeOptions(em) }),
    ShowsModule,
  ],
  // A lost race (ConcurrencyError) answers 409, invalid input 400.
  providers: [{ provide: APP_FILTER, useClass: EsExceptionFilter }],
})
export class AppModule {}
