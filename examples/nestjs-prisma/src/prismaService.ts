import type { PrismaTransactionClient } from '@es/prisma';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { databaseUrl, schema } from './databaseUrl.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The app's PrismaClient, on the app's PostgreSQL schema, as a Nest provider. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor() {
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    super({ adapter: new PrismaPg({ connectionString: url.toString() }, { schema }) });
  }

  onModuleDestroy(): Promise<void> {
    return this.$disconnect();
  }
}

/** The client `prisma.$transaction(async (tx) => ...)` hands out: the store's transaction handle. */
export type PrismaTx = PrismaTransactionClient<PrismaService>;
