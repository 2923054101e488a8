import type { BenchConfig } from '../config.ts';
import type { BenchSystem } from '../system.ts';
import { drizzlePostgres, drizzleSqlite } from './drizzle.ts';
import { emmettPostgres } from './emmett.ts';
import { floorPostgres } from './floorPostgres.ts';
import { floorSqlite } from './floorSqlite.ts';
import { mikroOrmNodeSqlite, mikroOrmPostgres, mikroOrmSqlite } from './mikroOrm.ts';
import { prismaPostgres, prismaSqlite } from './prisma.ts';
import { typeormPostgres, typeormSqlite } from './typeorm.ts';

/** Every system of a run: the floors and the peer first, then one row per backend and dialect. */
export function allSystems(config: BenchConfig): BenchSystem[] {
  return [
    floorPostgres(config),
    emmettPostgres(config),
    drizzlePostgres(config),
    typeormPostgres(config),
    prismaPostgres(config),
    mikroOrmPostgres(config),
    floorSqlite(config),
    drizzleSqlite(config),
    typeormSqlite(config),
    prismaSqlite(config),
    mikroOrmSqlite(config),
    mikroOrmNodeSqlite(config),
  ];
}
