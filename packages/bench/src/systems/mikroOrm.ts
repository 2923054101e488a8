import type { BenchConfig } from '../config.ts';
import type { BenchSystem } from '../system.ts';
import { conformanceTargetSystem } from './conformanceTarget.ts';

/** @es/mikro-orm on PostgreSQL and SQLite; tables from MikroORM's schema generator (its conformance target). */
export const mikroOrmPostgres = (config: BenchConfig): BenchSystem =>
  conformanceTargetSystem(config, 'mikro-orm', 'postgres', 'mikroOrmTarget');

export const mikroOrmSqlite = (config: BenchConfig): BenchSystem =>
  conformanceTargetSystem(config, 'mikro-orm', 'sqlite', 'mikroOrmTarget');

/** The same through Node's built-in node:sqlite (MikroORM's generic driver and NodeSqliteDialect). */
export const mikroOrmNodeSqlite = (config: BenchConfig): BenchSystem =>
  conformanceTargetSystem(config, 'mikro-orm', 'sqlite', 'mikroOrmTarget', {
    name: 'mikro-orm-node-sqlite',
    options: { nodeSqlite: true },
  });
