import type { BenchConfig } from '../config.ts';
import type { BenchSystem } from '../system.ts';
import { conformanceTargetSystem } from './conformanceTarget.ts';

/** @es/typeorm on PostgreSQL and SQLite; tables from TypeORM's generated migration (its conformance target). */
export const typeormPostgres = (config: BenchConfig): BenchSystem =>
  conformanceTargetSystem(config, 'typeorm', 'postgres', 'typeormTarget');

export const typeormSqlite = (config: BenchConfig): BenchSystem =>
  conformanceTargetSystem(config, 'typeorm', 'sqlite', 'typeormTarget');
