import { InvalidArgumentError } from '@es/core';
import type { SqlDialectName } from '@es/core/sql';
import type { DataSourceOptions } from 'typeorm';

/** The store's dialect for a DataSource `type`; InvalidArgumentError for drivers the store does not support. */
export function dialectOf(type: DataSourceOptions['type']): SqlDialectName {
  switch (type) {
    case 'postgres':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'better-sqlite3':
      return 'sqlite';
    default:
      throw new InvalidArgumentError(
        `@es/typeorm supports the DataSource types postgres, mysql, mariadb and better-sqlite3, not '${type}'`,
      );
  }
}
