import type { SqlDialectName } from '../executor.js';
import type { SqlDialect } from './dialect.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { sqlite } from './sqlite.js';

export type { DialectCapabilities, SqlDialect } from './dialect.js';

const DIALECTS: Record<SqlDialectName, SqlDialect> = { postgres, mysql, sqlite };

/** The syntax and capabilities of the dialect `name`. */
export function sqlDialect(name: SqlDialectName): SqlDialect {
  return DIALECTS[name];
}
