import type { BenchConfig } from '../config.ts';
import type { BenchSystem } from '../system.ts';
import { conformanceTargetSystem } from './conformanceTarget.ts';

/** @es/prisma on PostgreSQL and SQLite; tables from the schema engine's migration SQL (its conformance target). */
export const prismaPostgres = (config: BenchConfig): BenchSystem =>
  conformanceTargetSystem(config, 'prisma', 'postgres', 'prismaTarget');

export const prismaSqlite = (config: BenchConfig): BenchSystem =>
  conformanceTargetSystem(config, 'prisma', 'sqlite', 'prismaTarget');
